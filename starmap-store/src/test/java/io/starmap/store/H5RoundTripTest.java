package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class H5RoundTripTest {
  @TempDir Path dir;

  @Test
  void tableRoundTripsThroughAFile() {
    H5Table table = H5Table.builder()
        .column("name", "a", "", "ccc")
        .column("n", 1L, -2L, Long.MAX_VALUE)
        .column("x", 0.5, Double.NaN, 3.0)
        .build();
    H5Group root = new H5Group("/");
    root.attr("calc_id", 7L).attr("description", "hello").attr("ratio", 0.25);
    table.writeTo(root.group("results/summary"));
    root.group("empty").put("none", new long[0]).put("no_strings", new String[0])
        .put("flags", new boolean[] {true, false})
        .put("many", java.util.stream.LongStream.range(0, 100_000).toArray()).put("blank", new String[] {"", ""});
    Path file = dir.resolve("t.hdf5");
    Datastore.write(file, root);

    H5Group back = Datastore.read(file);
    assertThat(back.attrLong("calc_id")).isEqualTo(7L);
    assertThat(back.attrString("description")).isEqualTo("hello");
    assertThat(back.attrDouble("ratio")).isEqualTo(0.25);
    H5Table read = Datastore.read(file, "results/summary", H5Table::readFrom);
    assertThat(read).isEqualTo(table);
    assertThat(back.child("empty").longs("none")).isEmpty();
    assertThat(back.child("empty").strings("no_strings")).isEmpty();
    assertThat(back.child("empty").booleans("flags")).containsExactly(true, false);
    assertThat(back.child("empty").longs("many")).hasSize(100_000).endsWith(99_999L);
  }

  @Test
  void attributesNamedAfterADatasetAndADotGoToThatDataset() throws Exception {
    H5Group root = new H5Group("/");
    root.group("g").put("a", new long[] {1}).put("ab", new double[] {2.0})
        .attr("a.units", "s").attr("ab.units", "MB").attr("abc", "the group's")
        .attr("units", "the group's too");
    Path file = dir.resolve("attrs.hdf5");
    Datastore.write(file, root);

    try (io.jhdf.HdfFile hdf = new io.jhdf.HdfFile(file)) {
      io.jhdf.api.Group g = (io.jhdf.api.Group) hdf.getChild("g");
      assertThat(g.getAttributes()).containsOnlyKeys("abc", "units");
      assertThat(g.getChild("a").getAttributes()).containsOnlyKeys("units");
      assertThat(g.getChild("a").getAttribute("units").getData()).isEqualTo("s");
      assertThat(g.getChild("ab").getAttributes()).containsOnlyKeys("units");
      assertThat(g.getChild("ab").getAttribute("units").getData()).isEqualTo("MB");
    }
    assertThat(Datastore.read(file).child("g").attributes()).containsOnly(
        java.util.Map.entry("a.units", "s"), java.util.Map.entry("ab.units", "MB"),
        java.util.Map.entry("abc", "the group's"), java.util.Map.entry("units", "the group's too"));
  }
}

package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class CalcArchiveTest {
  @TempDir Path dir;

  private long recordOne(CalculationStore store, String description) {
    try (Calculation calc = store.start("test", description, Map.of("workers", "2"))) {
      CalculationIT.squares(calc).reduce(java.util.stream.LongStream.range(0, 20).boxed()
          .toList(), 0L, Long::sum);
      calc.put("results/summary", H5Table.builder().column("n", 20L).build());
      calc.complete();
      return calc.id();
    }
  }

  @Test
  void dumpAndRestoreRemapIdsAndOverwriteNothing() {
    Path source = dir.resolve("a");
    Path target = dir.resolve("b");
    Path zip = dir.resolve("calcs.zip");
    long first;
    long second;
    try (CalculationStore store = CalculationStore.open(source)) {
      first = recordOne(store, "first");
      second = recordOne(store, "second");
      CalcArchive.Dumped d = store.dump(zip, List.of());
      assertThat(d.ids()).containsExactly(first, second);
      assertThat(d.bytes()).isPositive();
    }
    try (CalculationStore store = CalculationStore.open(target)) {
      long existing = recordOne(store, "already here");
      byte[] before = readAll(store.datastorePath(existing));
      CalcArchive.Restored r = store.restore(zip);
      assertThat(r.ids()).containsOnlyKeys(first, second);
      assertThat(r.ids().values()).doesNotContain(existing).allMatch(id -> id > existing);
      long newFirst = r.ids().get(first);
      CalcRecord c = store.get(newFirst);
      assertThat(c.description()).isEqualTo("first");
      assertThat(c.status()).isEqualTo(CalcStatus.COMPLETE);
      assertThat(c.datastore()).isEqualTo(target.resolve("calc_" + newFirst + ".hdf5"));
      assertThat(store.views().tasks(newFirst, 0)).hasSize(20);
      assertThat(store.views().performance(newFirst).operations()).isNotEmpty();
      assertThat(Datastore.read(c.datastore()).attrLong("calc_id")).isEqualTo(newFirst);
      assertThat(Datastore.read(c.datastore(), "results/summary", H5Table::readFrom).longs("n"))
          .containsExactly(20L);
      assertThat(readAll(store.datastorePath(existing))).isEqualTo(before);
      // restoring twice makes new copies, still overwriting nothing
      CalcArchive.Restored again = store.restore(zip);
      assertThat(again.ids().values()).doesNotContainAnyElementsOf(r.ids().values());
    }
  }

  @Test
  void refusesEntriesOutsideTheHomeAndForeignArchives() throws IOException {
    Path home = dir.resolve("home");
    Path slip = dir.resolve("slip.zip");
    writeZip(slip, Map.of("MANIFEST", CalcArchive.MAGIC + "\nformat 1\n",
        "calcs.sqlite", "", "../evil.hdf5", "x"));
    Path foreign = dir.resolve("foreign.zip");
    writeZip(foreign, Map.of("readme.txt", "hello"));
    Path extra = dir.resolve("extra.zip");
    writeZip(extra, Map.of("MANIFEST", CalcArchive.MAGIC + "\nformat 1\n", "calcs.sqlite", "",
        "bin/run.sh", "x"));
    try (CalculationStore store = CalculationStore.open(home)) {
      assertThatThrownBy(() -> store.restore(slip)).hasMessageContaining("../evil.hdf5")
          .hasMessageContaining("outside STARMAP_HOME");
      assertThatThrownBy(() -> store.restore(foreign))
          .hasMessageContaining("not a Starmap calculation archive");
      assertThatThrownBy(() -> store.restore(extra)).hasMessageContaining("bin/run.sh");
      assertThat(store.list(10, null)).isEmpty();
    }
    assertThat(dir.resolve("evil.hdf5")).doesNotExist();
    try (var files = Files.list(home)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .allMatch(n -> n.startsWith("db.sqlite"));
    }
  }

  @Test
  void dumpRefusesAnExecutingCalculation() {
    try (CalculationStore store = CalculationStore.open(dir.resolve("h"));
         Calculation running = store.start("test", "running", Map.of())) {
      assertThatThrownBy(() -> store.dump(dir.resolve("x.zip"), List.of(running.id())))
          .hasMessageContaining("executing");
      running.complete();
    }
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void writeZip(Path zip, Map<String, String> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(zip);
         ZipOutputStream z = new ZipOutputStream(out)) {
      for (var e : new java.util.TreeMap<>(entries).entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        z.closeEntry();
      }
    }
  }
}

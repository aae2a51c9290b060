package io.starmap.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The examples of docs/parts/core-readme.md, compiled and run. */
@Timeout(30)
class ReadmeSnippetTest {

  @Test
  void countsLines(@TempDir Path dir) throws Exception {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      paths.add(Files.writeString(dir.resolve(i + ".txt"), "a\n".repeat(i)));
    }
    Starmap<Path, AccumMap> count = Starmap.<Path, AccumMap>builder("count", (path, ctx) -> {
      try (var m = ctx.measure("read"); var text = Files.lines(path)) {
        long lines = text.count();
        m.count(lines);
        return AccumMap.of("lines", lines, "files", List.of(path.toString()));
      }
    }).executor("threads").workers(4).build();
    AccumMap total = count.reduce(paths, AccumMap.empty(), AccumMap::plus);
    assertThat(total.get("lines")).isEqualTo(66L);
    assertThat((List<?>) total.get("files")).hasSize(12);

    try (Run<AccumMap> run = count.submit(paths)) {
      for (Outcome<AccumMap> o : run) {
        assertThat(o.metrics().wallNanos()).isPositive();
      }
      assertThat(run.summary().transferLine())
          .isEqualTo("Sent 12 count tasks, 0 B; received 12 results, 0 B");
    }
  }

  record Source(String name, double weight, String kind) {}

  @Test
  void splits() {
    List<Source> sources = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sources.add(new Source("s" + i, i % 7, i % 2 == 0 ? "point" : "area"));
    }
    List<Split.Block<Source>> blocks = Split.inBlocks(sources, 8, Source::weight, Source::kind);
    Iterable<Split.Block<Source>> lazy =
        Split.byMaxWeight(sources, 50, Source::weight, Source::kind, true);
    assertThat(blocks.size()).isBetween(6, 12);
    double total = 0;
    for (Split.Block<Source> b : lazy) {
      assertThat(b.weight()).isLessThanOrEqualTo(50);
      total += b.weight();
    }
    assertThat(total).isEqualTo(sources.stream().mapToDouble(Source::weight).sum());
  }
}

package io.starmap.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ImportBenchTest {
  @TempDir Path tmp;

  @Test
  void lineCutsSplitASingleFileIntoWholeLines() throws Exception {
    Path f = tmp.resolve("a.csv");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      sb.append(i).append(",x\n");
    }
    Files.writeString(f, sb);
    byte[] all = Files.readAllBytes(f);
    for (int n = 1; n <= 7; n++) {
      long[] cuts = PsqlCases.lineCuts(f, n);
      assertThat(cuts).hasSize(n + 1);
      assertThat(cuts[0]).isZero();
      assertThat(cuts[n]).isEqualTo(all.length);
      for (int i = 1; i < n; i++) {
        assertThat(cuts[i]).isGreaterThanOrEqualTo(cuts[i - 1]);
        assertThat(all[(int) cuts[i] - 1]).as("cut %d of %d after a newline", i, n)
            .isEqualTo((byte) '\n');
      }
      String joined = "";
      for (int i = 0; i < n; i++) {
        joined += new String(all, (int) cuts[i], (int) (cuts[i + 1] - cuts[i]),
            StandardCharsets.US_ASCII);
      }
      assertThat(joined).isEqualTo(sb.toString());
    }
  }

  @Test
  void theTargetIsTighterOnTheDefaultShapeAndTighterStillOnTenTimesTheRows() {
    assertThat(ImportTarget.of(ImportBench.Shape.DEFAULT, 5_220_000)).isEqualTo(0.85);
    assertThat(ImportTarget.of(ImportBench.Shape.DEFAULT, 52_200_000)).isEqualTo(0.8);
    assertThat(ImportTarget.of(ImportBench.Shape.DEFAULT, 52_199_999)).isEqualTo(0.85);
    assertThat(ImportTarget.of(ImportBench.Shape.SPLIT, 5_220_000)).isEqualTo(1.0);
    assertThat(ImportTarget.of(ImportBench.Shape.SINGLE, 52_200_000)).isEqualTo(1.0);
  }

  @Test
  void exercisesFollowTheOptionsTheImporterHas() {
    ImportBench bench = new ImportBench(config(true, Map.of("big", List.of("--task-size", "64"))),
        s -> { });
    int cores = Runtime.getRuntime().availableProcessors();

    Map<String, List<String>> ex = bench.exercises(
        "--executor E  --workers N  --connections per-worker|shared");

    assertThat(ex).containsEntry("--executor virtual", List.of("--executor", "virtual"))
        .containsEntry("--workers 1", List.of("--workers", "1"))
        .containsEntry("--workers " + 2 * cores, List.of("--workers", "" + 2 * cores))
        .containsEntry("--connections shared", List.of("--connections", "shared"))
        .containsEntry("big", List.of("--task-size", "64"));
    assertThat(bench.exercises("--workers N")).doesNotContainKey("--executor threads");
    assertThat(new ImportBench(config(false, Map.of()), s -> { }).exercises("--workers N"))
        .isEmpty();
  }

  private BenchConfig config(boolean exercises, Map<String, List<String>> extra) {
    return BenchConfig.builder(tmp, "postgresql://localhost/x").launcher(List.of("starmap"))
        .days(2).securities(10).seed(1).splitFilesPerDay(2)
        .shapes(List.of(ImportBench.Shape.DEFAULT)).repeat(1).maxStreams(2).talkScripts(false)
        .talkMaxFiles(10).exercises(exercises).extraExercises(extra).psql("psql").build();
  }

  @Test
  void theBuilderHasTheCommandsDefaultsAndCopiesAConfiguration() {
    BenchConfig c = BenchConfig.builder(tmp, "unset").launcher(List.of("starmap")).seed(7)
        .psql("psql").build();
    assertThat(c.days()).isEqualTo(522);
    assertThat(c.securities()).isEqualTo(10_000);
    assertThat(c.shapes()).containsExactly(ImportBench.Shape.values());
    assertThat(c.table()).isEqualTo("bench_price");
    assertThat(c.orderSeed()).as("the seed's, unless given").isEqualTo(7);
    BenchConfig moved = c.toBuilder().url("postgresql://h/d").build();
    assertThat(moved).isEqualTo(new BenchConfig(tmp, "postgresql://h/d", c.launcher(), c.days(),
        c.securities(), c.seed(), c.splitFilesPerDay(), c.shapes(), c.repeat(), c.maxStreams(),
        c.talkScripts(), c.talkMaxFiles(), c.exercises(), c.extraExercises(), c.importArgs(),
        c.table(), c.orderSeed(), c.importEnv(), c.psql()));
  }

  @Test
  void aShapeNamedTwiceIsRefusedBeforeAnythingRuns() {
    BenchConfig.Builder b = BenchConfig.builder(tmp, "unset").launcher(List.of("starmap"))
        .shapes(List.of(ImportBench.Shape.SPLIT, ImportBench.Shape.DEFAULT,
            ImportBench.Shape.SPLIT));
    org.assertj.core.api.Assertions.assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the shape split is named more than once: name each shape once");
  }
}

package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan's shape: every byte planned once, and short tasks at the end. */
class PlannerTest {
  private static final Dialect CSV = new Dialect((byte) ',', (byte) '"', (byte) '"', "", "UTF8");
  private static final long MB = 1 << 20;

  @TempDir Path dir;

  private static Planner.Settings settings(int workers, PendingHashes pending) {
    return new Planner.Settings(CSV, StandardCharsets.UTF_8, false,
        List.of(new Sql.Column("a", "text")), "public.t", workers, 64 * MB, pending);
  }

  @Test
  void manySmallFilesEndWithQuarterSizeTasks() throws IOException {
    List<InputFile> files = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // whole small files are planned without being read
      files.add(new InputFile("f" + i, dir.resolve("f" + i), 100 * 1024, Compression.NONE));
    }
    Planner.Plan plan = Planner.plan(files, Map.of(), Map.of(), settings(2, null));
    long total = 100 * 100 * 1024L;
    long target = plan.targetBytes();
    assertThat(target).as("four tasks per worker, 1 MB at least").isEqualTo(total / 8);
    List<Long> sizes = plan.tasks().stream()
        .map(t -> t.stream().mapToLong(Piece::length).sum()).toList();
    assertThat(sizes.stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
    assertThat(plan.tasks().stream().mapToInt(List::size).sum()).isEqualTo(100);
    assertThat(sizes).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    // at least the last worker's worth of bytes in tasks of about a quarter of the target
    assertThat(sizes.get(0)).isGreaterThanOrEqualTo(target);
    assertThat(sizes.subList(sizes.size() - 4, sizes.size()))
        .allSatisfy(b -> assertThat(b).isLessThanOrEqualTo(target / 4 + 100 * 1024));
  }

  @Test
  void aBigFileIsCutAtLineEndsWithShortPiecesAtItsEnd() throws IOException {
    Path f = dir.resolve("big.csv");
    StringBuilder sb = new StringBuilder();
    int line = 0;
    while (sb.length() < 6 * MB) {
      sb.append("row ").append(line++).append(",\"a quoted\nnewline\"\n");
    }
    Files.writeString(f, sb);
    byte[] bytes = Files.readAllBytes(f);
    InputFile in = new InputFile("big.csv", f, bytes.length, Compression.NONE);
    Planner.Plan plan = Planner.plan(List.of(in), Map.of(), Map.of(), settings(2, null));
    List<Piece> pieces = plan.tasks().stream().flatMap(List::stream)
        .sorted((a, b) -> Long.compare(a.start(), b.start())).toList();
    long at = 0;
    for (Piece p : pieces) {
      assertThat(p.start()).isEqualTo(at);
      if (p.start() > 0) {
        // a record boundary: after a newline that is not inside quotes
        assertThat(bytes[(int) p.start() - 1]).isEqualTo((byte) '\n');
        assertThat(bytes[(int) p.start()]).isEqualTo((byte) 'r');
      }
      at = p.end();
    }
    assertThat(at).isEqualTo(bytes.length);
    long first = pieces.get(0).length();
    long last = pieces.get(pieces.size() - 2).length();
    assertThat(first).isGreaterThanOrEqualTo(MB);
    assertThat(last).isLessThan(MB / 2);
  }

  @Test
  void aStreamedSplitCutsTheSameWayAndEstimatesItsPieces() throws Exception {
    Path f = dir.resolve("streamed.csv");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 6 * MB; i++) {
      sb.append(i).append(",x\n");
    }
    Files.writeString(f, sb);
    InputFile in = new InputFile("streamed.csv", f, Files.size(f), Compression.NONE);
    Planner.Plan eager = Planner.plan(List.of(in), Map.of(), Map.of(), settings(2, null));
    RunState run = new RunState("run-test");
    Planner.Plan streamed = Planner.plan(List.of(in), Map.of(), Map.of(),
        settings(2, run.pendingHashes()));
    assertThat(streamed.tasks()).isEmpty();
    assertThat(streamed.streamed()).hasSize(1);
    Planner.StreamedSplit split = streamed.streamed().get(0);
    split.start();
    List<long[]> cuts = new ArrayList<>();
    while (split.hasNext()) {
      Piece p = split.next();
      cuts.add(new long[] {p.start(), p.end(), p.firstLine()});
    }
    List<long[]> expected = eager.tasks().stream().flatMap(List::stream)
        .sorted((a, b) -> Long.compare(a.start(), b.start()))
        .map(p -> new long[] {p.start(), p.end(), p.firstLine()}).toList();
    assertThat(cuts).containsExactlyElementsOf(expected);
    assertThat(split.estimatedPieces()).isBetween(cuts.size() - 2, cuts.size() + 2);
    run.close();
  }
}

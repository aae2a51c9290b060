package io.starmap.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CpuMeterTest {
  /** Fields 3.. of a stat line: state S, parent 1, utime 7, stime 3, cutime 11, cstime 5. */
  private static final String TAIL = " S 1 1234 1234 0 -1 4194560 100 0 0 0 7 3 11 5 20 0 1 0 4242"
      + " 1000000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

  @Test
  void parsesTheFieldsAfterTheCommandName() {
    CpuMeter.Stat s = CpuMeter.parse("1234 (postgres)" + TAIL);

    assertThat(s).isEqualTo(new CpuMeter.Stat(1234, 1, 7, 3, 11, 5, 4242));
    assertThat(s.total()).isEqualTo(26);
    assertThat(s.reaped()).isEqualTo(16);
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    assertThat(CpuMeter.parse("1234 (my (odd) prog)" + TAIL))
        .isEqualTo(new CpuMeter.Stat(1234, 1, 7, 3, 11, 5, 4242));
    // a name that looks like the start of the fields: only the last ')' ends it
    assertThat(CpuMeter.parse("1234 (x) R 99 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9)" + TAIL))
        .isEqualTo(new CpuMeter.Stat(1234, 1, 7, 3, 11, 5, 4242));
  }

  @Test
  void whatIsNotAStatLineIsRefusedWithTheLine() {
    assertThatThrownBy(() -> CpuMeter.parse("no parentheses here"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no parentheses");
    assertThatThrownBy(() -> CpuMeter.parse("1234 (short) S 1 2 3"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not at least 22");
    assertThatThrownBy(() -> CpuMeter.parse("1234 (bad)" + TAIL.replace(" 11 ", " x ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(bad)");
  }

  @Test
  void thisProcesssOwnLineParses() throws Exception {
    Path self = Path.of("/proc/self/stat");
    assumeTrue(Files.isReadable(self), "not Linux");

    CpuMeter.Stat s = CpuMeter.parse(Files.readString(self));

    assertThat(s.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(s.utime() + s.stime()).as("a JVM that ran this far used some CPU").isPositive();
  }

  @Test
  void aTreeIsItsRootsOwnAndReapedCpuAndItsLiveChildrensOwnAndReaped() {
    CpuMeter.Stat postmaster = new CpuMeter.Stat(10, 1, 100, 50, 2000, 300, 5);
    CpuMeter.Stat checkpointer = new CpuMeter.Stat(11, 10, 7, 20, 0, 0, 6);
    CpuMeter.Stat backend = new CpuMeter.Stat(12, 10, 40, 4, 1, 2, 90);

    assertThat(CpuMeter.treeTicks(postmaster, List.of())).isEqualTo(2450);
    assertThat(CpuMeter.treeTicks(postmaster, List.of(checkpointer, backend)))
        .isEqualTo(2450 + 27 + 47);
    assertThatThrownBy(() -> CpuMeter.treeTicks(backend, List.of(checkpointer)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("child of 10");
  }

  @Test
  void secondsAreTheTicksBetweenTwoReadingsOrUnknown() {
    assertThat(CpuMeter.seconds(1000L, 1234L)).isEqualTo(2.34);
    assertThat(CpuMeter.seconds(null, 1234L)).isNull();
    assertThat(CpuMeter.seconds(1000L, null)).isNull();
    assertThat(CpuMeter.format(null)).isEqualTo("unknown");
    assertThat(CpuMeter.format(1.234)).isEqualTo("1.23 s");
  }

  @Test
  void theTableShowsTheMedianCpuOfEachSideAfterTheMedianTimeAndNothingWhenUnknown() {
    ImportBench.Result r = new ImportBench.Result(ImportBench.Shape.DEFAULT, ImportBench.PSQL,
        "x1", 3, 1200, List.of(1.0, 3.0, 2.0), List.of(0.5, 0.75, 0.25), List.of(), null, null,
        null, null);

    List<Object> cells = BenchMarkdown.cells(r);

    assertThat(cells).hasSameSizeAs(BenchMarkdown.COLUMNS);
    int median = BenchMarkdown.COLUMNS.indexOf("median s");
    assertThat(BenchMarkdown.COLUMNS.subList(median, median + 3))
        .containsExactly("median s", "client cpu s", "server cpu s");
    assertThat(cells.subList(median, median + 3)).containsExactly(2.0, 0.5, null);
  }
}

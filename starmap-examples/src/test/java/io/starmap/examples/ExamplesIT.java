package io.starmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the examples on threads, processes and in the store as a user does ({@code java -cp ...
 * MAIN}, a JVM each, its own {@code STARMAP_HOME}) and checks what they print and record.
 */
class ExamplesIT {
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final String SUMS = "numbers=1000 total=500500 lastDigits=[100, 100, 100, 100, 100, 100,"
      + " 100, 100, 100, 100]";

  /** A stack frame's module, if any ({@code io.starmap.core@0.1.0/}). */
  static final String MODULE = "(?:[\\w.@-]+/)?";

  @TempDir Path dir;

  Path home() throws Exception {
    return Files.createDirectories(dir.resolve("home"));
  }

  @ParameterizedTest
  @EnumSource(Jvm.Paths.class)
  void reduceOnThreadsAddsTheMapsOfAllTasks(Jvm.Paths paths) throws Exception {
    Jvm.Result r = Jvm.run(paths, home(), TIMEOUT, ReduceExample.class.getName());
    assertQuiet(r);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains(SUMS).contains("executor=threads workers=4");
    // the tasks ran on threads of the example's own JVM, as host:pid/thread
    assertThat(r.output()).containsPattern("ran on \\[[^\\]]*:" + r.pid() + "/");
    assertThat(tasksPerWorker(r.output())).isEqualTo(1000);
  }

  /**
   * Nothing printed by the JVM or by Starmap's dependencies into the user's program: no JVM
   * warning (native access, {@code Unsafe}), no SLF4J notice.
   */
  static void assertQuiet(Jvm.Result r) {
    assertThat(r.output()).as(r.output()).doesNotContainPattern("(?m)^(WARNING|SLF4J)");
  }

  /** The sum of the counts of the example's {@code tasks per worker {w1=250, ...}} line. */
  static long tasksPerWorker(String output) {
    Matcher line = Pattern.compile("tasks per worker \\{(.*)}").matcher(output);
    assertThat(line.find()).as(output).isTrue();
    return Pattern.compile("=(\\d+)").matcher(line.group(1)).results()
        .mapToLong(m -> Long.parseLong(m.group(1))).sum();
  }

  @ParameterizedTest
  @EnumSource(Jvm.Paths.class)
  void aTaskThatFailsInAWorkerJvmIsCaughtWithTheWorkersStackTrace(Jvm.Paths paths) throws Exception {
    Jvm.Result r = Jvm.run(paths, home(), TIMEOUT, ProcessesExample.class.getName());
    assertQuiet(r);
    assertThat(r.exit()).as(r.output()).isZero();
    String out = r.output();
    Matcher caught = Pattern.compile("caught: task parse#2\\(three\\) failed on [^:]+:(\\d+)")
        .matcher(out);
    assertThat(caught.find()).as(out).isTrue();
    // thrown in a worker JVM, not in the example's: another pid, and the worker's own frames
    assertThat(Long.parseLong(caught.group(1))).as(out).isNotEqualTo(r.pid());
    assertThat(out).contains("java.lang.NumberFormatException: For input string: \"three\"")
        // a frame names its module on the module path: at io.starmap.examples/io.starmap...
        .containsPattern("at " + MODULE + "io\\.starmap\\.examples\\.ProcessesExample\\.parse"
            + "\\(ProcessesExample\\.java:\\d+\\)")
        .containsPattern("at " + MODULE + "io\\.starmap\\.core\\.internal\\.process\\.WorkerMain");
    // the exception that cannot travel arrives as a copy with its class name and stack trace
    assertThat(out).contains("remote io.starmap.examples.ProcessesExample$LedgerException:"
        + " the ledger refused a")
        .containsPattern("RemoteTaskException: io\\.starmap\\.examples\\.ProcessesExample"
            + "\\$LedgerException: the ledger refused a")
        .containsPattern("at " + MODULE + "io\\.starmap\\.examples\\.ProcessesExample\\.lambda\\$main\\$");
  }

  @ParameterizedTest
  @EnumSource(Jvm.Paths.class)
  void aRecordedCalculationIsExplainedByShowPerformanceAndReport(Jvm.Paths paths) throws Exception {
    Path home = home();
    Jvm.Result r = Jvm.run(paths, home, TIMEOUT, CalculationExample.class.getName());
    assertQuiet(r);
    assertThat(r.exit()).as(r.output()).isZero();
    Matcher id = Pattern.compile("calculation (\\d+)").matcher(r.output());
    assertThat(id.find()).as(r.output()).isTrue();
    String calc = id.group(1);
    assertThat(home.resolve("calc_" + calc + ".hdf5")).isNotEmptyFile();

    Jvm.Result perf = Jvm.run(home, TIMEOUT, Jvm.CLI, "show", "performance", calc);
    assertThat(perf.exit()).as(perf.output()).isZero();
    // the tasks' operations (1000 tasks) and the master's (no task) side by side
    assertThat(perf.output()).contains("calc " + calc + " (complete)")
        .containsPattern("total digits +\\| +[0-9.]+ +\\| +[0-9.]+ +\\| +[0-9.]+ +\\| +1000")
        .containsPattern("last digit .*\\| +1000 ")
        .containsPattern("reading .*\\| +0 ")
        .containsPattern("saving .*\\| +0 ");

    Path html = dir.resolve("calc.html");
    Jvm.Result report = Jvm.run(home, TIMEOUT, Jvm.CLI, "report", calc, "-o", html.toString());
    assertThat(report.exit()).as(report.output()).isZero();
    assertThat(Files.readString(html)).contains("<svg id=\"timeline-chart\"")
        .contains("digits of 1 to 1000");
  }
}

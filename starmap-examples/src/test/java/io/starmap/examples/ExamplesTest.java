package io.starmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the examples on threads, processes and in the store as a user does ({@code java -cp ...
 * MAIN}, a JVM each, its own {@code STARMAP_HOME}) and checks what they print and record.
 */
class ExamplesTest {
  static final Duration TIMEOUT = Duration.ofMinutes(2);
  static final String SUMS = "numbers=1000 total=500500 lastDigits=[100, 100, 100, 100, 100, 100,"
      + " 100, 100, 100, 100]";

  @TempDir Path dir;

  Path home() throws Exception {
    return Files.createDirectories(dir.resolve("home"));
  }

  @Test
  void reduceOnThreadsAddsTheMapsOfAllTasks() throws Exception {
    Jvm.Result r = Jvm.run(home(), TIMEOUT, ReduceExample.class.getName());
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains(SUMS).contains("executor=threads workers=4");
    // the tasks ran on threads of the example's own JVM, as host:pid/thread
    assertThat(r.output()).containsPattern("ran on \\[[^\\]]*:" + r.pid() + "/");
    assertThat(tasksPerWorker(r.output())).isEqualTo(1000);
  }

  /** The sum of the counts of the example's {@code tasks per worker {w1=250, ...}} line. */
  static long tasksPerWorker(String output) {
    Matcher line = Pattern.compile("tasks per worker \\{(.*)}").matcher(output);
    assertThat(line.find()).as(output).isTrue();
    return Pattern.compile("=(\\d+)").matcher(line.group(1)).results()
        .mapToLong(m -> Long.parseLong(m.group(1))).sum();
  }

  @Test
  void aTaskThatFailsInAWorkerJvmIsCaughtWithTheWorkersStackTrace() throws Exception {
    Jvm.Result r = Jvm.run(home(), TIMEOUT, ProcessesExample.class.getName());
    assertThat(r.exit()).as(r.output()).isZero();
    String out = r.output();
    Matcher caught = Pattern.compile("caught: task parse#2\\(three\\) failed on [^:]+:(\\d+)")
        .matcher(out);
    assertThat(caught.find()).as(out).isTrue();
    // thrown in a worker JVM, not in the example's: another pid, and the worker's own frames
    assertThat(Long.parseLong(caught.group(1))).as(out).isNotEqualTo(r.pid());
    assertThat(out).contains("java.lang.NumberFormatException: For input string: \"three\"")
        .containsPattern("at io\\.starmap\\.examples\\.ProcessesExample\\.parse"
            + "\\(ProcessesExample\\.java:\\d+\\)")
        .contains("at io.starmap.core.internal.process.WorkerMain");
    // the exception that cannot travel arrives as a copy with its class name and stack trace
    assertThat(out).contains("remote io.starmap.examples.ProcessesExample$LedgerException:"
        + " the ledger refused a")
        .containsPattern("RemoteTaskException: io\\.starmap\\.examples\\.ProcessesExample"
            + "\\$LedgerException: the ledger refused a")
        .containsPattern("at io\\.starmap\\.examples\\.ProcessesExample\\.lambda\\$main\\$");
  }

  @Test
  void aRecordedCalculationIsExplainedByShowPerformanceAndReport() throws Exception {
    Path home = home();
    Jvm.Result r = Jvm.run(home, TIMEOUT, CalculationExample.class.getName());
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

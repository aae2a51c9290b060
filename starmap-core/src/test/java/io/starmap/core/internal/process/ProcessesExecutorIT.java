package io.starmap.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.starmap.core.FailurePolicy;
import io.starmap.core.Outcome;
import io.starmap.core.RemoteTaskException;
import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.StarmapException;
import io.starmap.core.TaskFailedException;
import io.starmap.core.TaskMetrics;
import io.starmap.core.processes.ProcessPoolInfo;
import io.starmap.core.processes.ProcessPools;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessesExecutorIT {

  @AfterAll
  static void stopPools() {
    ProcessPools.shutdown();
  }

  /** A configuration record captured by the task lambda, as the importer's tasks do. */
  record Settings(String prefix, int factor) implements Serializable {}

  /** An argument type that is a record of the test's package. */
  record Piece(int index, String name) implements Serializable {}

  @Test
  void runsTasksInWorkerProcessesWithTheirMetrics() {
    Settings settings = new Settings("sq", 3);
    Starmap<Piece, String> starmap = Starmap.<Piece, String>builder("square", (p, ctx) -> {
      try (var m = ctx.measure("multiply")) {
        m.count(1);
        return settings.prefix() + (p.index() * p.index() * settings.factor()) + "@"
            + ProcessHandle.current().pid();
      }
    }).executor("processes").workers(2).build();
    List<Outcome<String>> outcomes = new ArrayList<>();
    try (Run<String> run = starmap.submit(
        IntStream.range(0, 200).mapToObj(i -> new Piece(i, "p" + i)).toList())) {
      run.forEach(outcomes::add);
    }
    assertThat(outcomes).hasSize(200).allMatch(Outcome::succeeded);
    long master = ProcessHandle.current().pid();
    JavaSerializationCodec codec = new JavaSerializationCodec();
    assertThat(outcomes).allSatisfy(o -> {
      // exactly the serialized sizes of the argument and of the result
      assertThat(o.metrics().bytesSent())
          .isEqualTo(codec.encode(new Piece((int) o.taskNo(), "p" + o.taskNo())).length);
      assertThat(o.metrics().bytesReceived()).isEqualTo(codec.encode(o.value()).length);
      assertThat(o.value()).startsWith("sq").doesNotEndWith("@" + master);
      TaskMetrics m = o.metrics();
      assertThat(m.bytesSent()).isPositive();
      assertThat(m.bytesReceived()).isPositive();
      assertThat(m.rssBytes()).isPositive();
      assertThat(m.peakRssBytes()).isGreaterThanOrEqualTo(m.rssBytes());
      assertThat(m.workerId()).doesNotContain(":" + master + "/");
      assertThat(o.operations()).extracting(op -> op.operation()).contains("multiply");
    });
    assertThat(outcomes.stream().map(o -> o.value().substring(o.value().indexOf('@')))
        .distinct()).hasSize(2);
  }

  @Test
  void poolIsReusedAcrossRunsAndReportsItsStartTime() {
    Starmap<Integer, Long> pid = Starmap.<Integer, Long>builder("pid",
        (x, ctx) -> ProcessHandle.current().pid()).executor("processes").workers(2)
        .option("pipelineDepth", "4").build();
    List<Long> first = new ArrayList<>();
    List<Long> second = new ArrayList<>();
    pid.submit(List.of(1, 2, 3, 4)).forEach(o -> first.add(o.value()));
    pid.submit(List.of(1, 2, 3, 4)).forEach(o -> second.add(o.value()));
    assertThat(second).allMatch(first::contains);
    ProcessPoolInfo info = ProcessPools.pools().stream()
        .filter(p -> "4".equals(p.options().get("pipelineDepth"))).findFirst().orElseThrow();
    assertThat(info.startTime()).isPositive();
    assertThat(info.workerStartTimes()).hasSize(2).allMatch(d -> d.isPositive());
    assertThat(info.workerPids()).containsAll(first);
    assertThat(info.tasksRun()).isEqualTo(8);
  }

  @Test
  void exceptionsComeBackWithTheirStackTrace() {
    Starmap<Integer, Integer> failing = Starmap.<Integer, Integer>builder("boom", (x, ctx) -> {
      if (x == 3) {
        throw new IllegalStateException("three");
      }
      return x;
    }).executor("processes").workers(1).build();
    assertThatThrownBy(() -> failing.reduce(List.of(1, 2, 3, 4), 0, Integer::sum))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("boom#2(3)")
        .rootCause().isInstanceOf(IllegalStateException.class).hasMessage("three")
        .satisfies(e -> assertThat(e.getStackTrace()[0].getMethodName())
            .contains("exceptionsComeBackWithTheirStackTrace"));
  }

  /** An exception that cannot be serialized: it holds a thread. */
  static final class Unsendable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings("unused")
    private final transient Object ok = new Object();
    @SuppressWarnings({"unused", "serial"})
    private final Object thread = Thread.currentThread();

    Unsendable(String message) {
      super(message);
    }
  }

  @Test
  void unserializableExceptionsArriveAsSubstitutes() {
    Starmap<Integer, Integer> failing = Starmap.<Integer, Integer>builder("odd", (x, ctx) -> {
      throw new Unsendable("cannot travel");
    }).executor("processes").workers(1).build();
    assertThatThrownBy(() -> failing.reduce(List.of(1), 0, Integer::sum))
        .isInstanceOf(TaskFailedException.class)
        .rootCause().isInstanceOf(RemoteTaskException.class)
        .hasMessageContaining(Unsendable.class.getName())
        .hasMessageContaining("cannot travel")
        .satisfies(e -> assertThat(e.getStackTrace()).isNotEmpty());
  }

  @Test
  void unserializableArgumentFailsAtSubmissionNamingTheClass() {
    Starmap<Object, Integer> starmap = Starmap.<Object, Integer>builder("hash",
        (x, ctx) -> x.hashCode()).executor("processes").workers(1).build();
    assertThatThrownBy(() -> starmap.reduce(List.of(new Object()), 0, Integer::sum))
        .isInstanceOf(StarmapException.class)
        .hasMessageContaining("hash#0")
        .hasMessageContaining("java.lang.Object")
        .hasMessageContaining("not Serializable");
  }

  @Test
  void argumentOutsideTheAllowListFailsAtSubmissionNamingTheOption() {
    Starmap<Object, Integer> starmap = Starmap.<Object, Integer>builder("hash",
        (x, ctx) -> x.hashCode()).executor("processes").workers(1).build();
    Object outside = new javax.management.Attribute("a", 1); // serializable, not allowed
    assertThatThrownBy(() -> starmap.reduce(List.of(outside), 0, Integer::sum))
        .isInstanceOf(StarmapException.class)
        .hasMessageContaining("javax.management.Attribute")
        .hasMessageContaining("allowedPackages=javax.management");
  }

  @Test
  void aRefusedFunctionSaysWhyOnceNotOnEveryLevelOfTheChain() {
    Object outside = new javax.management.Attribute("a", 1); // captured: sent with the lambda
    Starmap<Integer, Integer> starmap = Starmap.<Integer, Integer>builder("capture",
        (x, ctx) -> x + outside.hashCode()).executor("processes").workers(1).build();
    Throwable thrown = catchThrowable(() -> starmap.reduce(List.of(1), 0, Integer::sum));
    assertThat(thrown).isInstanceOf(StarmapException.class)
        .hasMessageContaining("function of task capture")
        .hasMessageContaining("allowedPackages=javax.management");
    int levels = 0;
    int saying = 0;
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      levels++;
      saying += t.getMessage() != null && t.getMessage().contains("allow-list") ? 1 : 0;
    }
    // The failure with its context, then the codec's refusal: nothing in between repeats them.
    assertThat(levels).as("levels of the chain").isEqualTo(2);
    assertThat(saying).as("levels that repeat the reason").isEqualTo(2);
  }

  @Test
  void whatTasksPrintReachesTheMasterLogTaggedWithTheWorker() throws Exception {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        lines.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger("io.starmap.worker");
    logger.addHandler(handler);
    try {
      Starmap<Integer, Integer> printing = Starmap.<Integer, Integer>builder("print", (x, ctx) -> {
        System.out.println("hello from task " + x);
        System.err.println("warning from task " + x);
        return x;
      }).executor("processes").workers(1).build();
      printing.reduce(List.of(41), 0, Integer::sum);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline && lines.stream().noneMatch(
          l -> l.contains("warning from task 41"))) {
        Thread.sleep(20);
      }
    } finally {
      logger.removeHandler(handler);
    }
    assertThat(lines).anyMatch(l -> l.matches("\\[p\\d+\\.\\d+ pid \\d+\\] hello from task 41"));
    assertThat(lines).anyMatch(l -> l.matches("\\[p\\d+\\.\\d+ pid \\d+\\] warning from task 41"));
  }

  @Test
  void subtasksRunAndFailuresAreCollected() {
    Starmap<Integer, Integer> split = Starmap.<Integer, Integer>builder("split", (x, ctx) -> {
      if (x >= 10) {
        ctx.submit(x / 2);
        ctx.submit(x - x / 2);
        return 0;
      }
      if (x == 7) {
        throw new IllegalArgumentException("seven");
      }
      return x;
    }).executor("processes").workers(2).failurePolicy(FailurePolicy.COLLECT_ALL).build();
    List<Outcome<Integer>> outcomes = new ArrayList<>();
    split.submit(List.of(40, 3, 7)).forEach(outcomes::add);
    int sum = outcomes.stream().filter(Outcome::succeeded).mapToInt(Outcome::value).sum();
    // 40 -> 20 + 20 -> 10 x 4 -> 5 x 8; plus 3; 7 fails
    assertThat(sum).isEqualTo(43);
    assertThat(outcomes).filteredOn(o -> !o.succeeded()).singleElement()
        .satisfies(o -> assertThat(o.failure()).hasRootCauseMessage("seven"));
  }

  @Test
  void aResultOutsideTheAllowListFailsItsTaskWithAClearError() {
    Starmap<Integer, Object> starmap = Starmap.<Integer, Object>builder("attr",
        (x, ctx) -> new javax.management.Attribute("a", x)).executor("processes").workers(1)
        .build();
    assertThatThrownBy(() -> starmap.reduce(List.of(1), 0, (a, b) -> a))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("attr#0")
        .rootCause().hasMessageContaining("cannot be sent back to the master")
        .hasMessageContaining("javax.management.Attribute");
  }

  @Test
  void unknownOrBadOptionsAreRefusedNamingThem() {
    assertThatThrownBy(() -> Starmap.<Integer, Integer>builder("x", (x, ctx) -> x)
        .executor("processes").workers(1).option("memoryLimitMB", "100").build()
        .reduce(List.of(1), 0, Integer::sum))
        .hasMessageContaining("unknown option 'memoryLimitMB'")
        .hasMessageContaining("memoryLimitMb");
    assertThatThrownBy(() -> Starmap.<Integer, Integer>builder("x", (x, ctx) -> x)
        .executor("processes").workers(1).option("pipelineDepth", "0").build()
        .reduce(List.of(1), 0, Integer::sum))
        .hasMessageContaining("option pipelineDepth must be a positive whole number, got '0'");
  }

  @Test
  void workersAreMarkedInTheirCommandLineAndDieWithTheirParent() {
    Starmap<Integer, String> probe = Starmap.<Integer, String>builder("probe", (x, ctx) ->
        System.getProperty("starmap.worker") + " " + System.getProperty("starmap.worker.pdeathsig"))
        .executor("processes").workers(1).build();
    String seen = probe.reduce(List.of(1), "", (a, b) -> b);
    assertThat(seen).startsWith(ProcessHandle.current().pid() + ".p");
    if (Runtime.version().feature() >= 22 && System.getProperty("os.name").contains("Linux")) {
      assertThat(seen).endsWith(" true"); // prctl(PR_SET_PDEATHSIG) through the FFM API
    }
  }

  @Test
  void aWorkerJvmThatCannotStartFailsWithItsOwnWords() {
    assertThatThrownBy(() -> ProcessPools.warmUp(1, java.util.Map.of("jvmOptions", "-Xmx1z")))
        .isInstanceOf(StarmapException.class)
        .hasMessageContaining("could not start 1 worker JVMs")
        .hasMessageContaining("exited with code 1")
        .hasMessageContaining("Invalid maximum heap size: -Xmx1z");
  }

  @Test
  void theEnvironmentSelectsIt() {
    Starmap<Integer, Long> pid = Starmap.<Integer, Long>builder("pid",
        (x, ctx) -> ProcessHandle.current().pid())
        .environment(java.util.Map.of("STARMAP_EXECUTOR", "processes", "STARMAP_WORKERS", "1"))
        .build();
    assertThat(pid.executorName()).isEqualTo("processes");
    assertThat(pid.workers()).isEqualTo(1);
    assertThat(pid.reduce(List.of(1), 0L, (a, b) -> b)).isNotEqualTo(ProcessHandle.current().pid());
  }
}

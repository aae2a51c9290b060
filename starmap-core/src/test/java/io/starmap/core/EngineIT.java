package io.starmap.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The engine's instrumentation and configuration, in-process. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineIT {

  @Test
  void operationsNestAndEveryTaskHasItsTotal() {
    Starmap<Integer, Integer> sm = Starmap.<Integer, Integer>builder("parse", (x, ctx) -> {
      try (var read = ctx.measure("read")) {
        read.count(10);
        for (int i = 0; i < 3; i++) {
          try (var decode = ctx.measure("decode")) {
            decode.count(x);
            Thread.sleep(2);
          }
        }
      }
      ctx.count("rows", 7);
      return x;
    }).executor("threads").workers(2).build();
    List<Outcome<Integer>> outcomes = new ArrayList<>();
    try (Run<Integer> run = sm.submit(List.of(1, 2))) {
      run.forEach(outcomes::add);
    }
    for (Outcome<Integer> o : outcomes) {
      Map<String, OperationStats> ops = new java.util.HashMap<>();
      o.operations().forEach(op -> ops.put(op.operation(), op));
      assertThat(o.operations().get(0).operation()).isEqualTo("total parse");
      assertThat(ops).containsOnlyKeys("total parse", "read", "decode", "rows");
      OperationStats total = ops.get("total parse");
      OperationStats read = ops.get("read");
      OperationStats decode = ops.get("decode");
      assertThat(total.calls()).isEqualTo(1);
      assertThat(total.wallNanos()).isEqualTo(o.metrics().wallNanos());
      assertThat(read.calls()).isEqualTo(1);
      assertThat(read.count()).isEqualTo(10);
      assertThat(decode.calls()).isEqualTo(3);
      assertThat(decode.count()).isEqualTo(3L * o.get());
      // nested: measured on its own and inside its parent, inside the task's total
      assertThat(decode.wallNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(6))
          .isLessThanOrEqualTo(read.wallNanos());
      assertThat(read.wallNanos()).isLessThanOrEqualTo(total.wallNanos());
      assertThat(ops.get("rows").calls()).isZero();
      assertThat(ops.get("rows").count()).isEqualTo(7);
      assertThat(o.operations()).allSatisfy(op -> assertThat(op.taskNo()).isEqualTo(o.taskNo()));
    }
  }

  @Test
  void measuringRejectsABlankNameAndClosingTwiceCountsOnce() {
    Starmap<Integer, List<OperationStats>> sm = Starmap.<Integer, List<OperationStats>>builder(
        "m", (x, ctx) -> {
          assertThatThrownBy(() -> ctx.measure(" ")).isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("operation name must not be blank");
          var m = ctx.measure("op");
          m.close();
          m.close();
          return List.of();
        }).executor("no").build();
    Outcome<List<OperationStats>> o = sm.submit(List.of(1)).iterator().next();
    assertThat(o.operations()).filteredOn(op -> op.operation().equals("op")).singleElement()
        .satisfies(op -> assertThat(op.calls()).isEqualTo(1));
    try (var m = Monitor.none().measure("anything")) {
      m.count(3);
    }
  }

  @Test
  void cpuTimeIsReadForLongTasksAndNeverExceedsWallTimeMuch() {
    Starmap<Integer, Long> spin = Starmap.<Integer, Long>builder("spin", (x, ctx) -> {
      // Busy until this thread has used 10 ms of CPU, however loaded the machine is.
      var threads = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpu0 = threads.getCurrentThreadCpuTime();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      long n = 0;
      while (threads.getCurrentThreadCpuTime() - cpu0 < TimeUnit.MILLISECONDS.toNanos(10)
          && System.nanoTime() < end) {
        n++;
      }
      return n;
    }).executor("threads").workers(1).build();
    try (Run<Long> run = spin.submit(List.of(1, 2))) {
      for (Outcome<Long> o : run) {
        assertThat(o.metrics().cpuNanos()).as("a busy task uses CPU")
            .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(10))
            .isLessThanOrEqualTo(o.metrics().wallNanos() + TimeUnit.MILLISECONDS.toNanos(5));
      }
    }
  }

  @Test
  void jfrHasAnEventPerTaskAndPerOperation(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("run.jfr");
    try (Recording recording = new Recording()) {
      recording.enable("io.starmap.Task").withThreshold(java.time.Duration.ZERO);
      recording.enable("io.starmap.Operation").withThreshold(java.time.Duration.ZERO);
      recording.start();
      Starmap<Integer, Integer> sm = Starmap.<Integer, Integer>builder("jfrTask", (x, ctx) -> {
        try (var m = ctx.measure("work")) {
          m.count(x);
        }
        if (x == 4) {
          throw new IllegalStateException("four");
        }
        return x;
      }).executor("threads").workers(2).failurePolicy(FailurePolicy.COLLECT_ALL).build();
      sm.reduce(List.of(0, 1, 2, 3, 4), 0, Integer::sum);
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events = RecordingFile.readAllEvents(file);
    List<RecordedEvent> tasks = events.stream()
        .filter(e -> e.getEventType().getName().equals("io.starmap.Task")).toList();
    List<RecordedEvent> ops = events.stream()
        .filter(e -> e.getEventType().getName().equals("io.starmap.Operation")).toList();
    assertThat(tasks).hasSize(5);
    assertThat(tasks).extracting(e -> e.getLong("taskNo"))
        .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
    assertThat(tasks).allSatisfy(e -> {
      assertThat(e.getString("taskName")).isEqualTo("jfrTask");
      assertThat(e.getString("worker")).contains("/starmap-");
      assertThat(e.getString("runId")).isNotBlank();
      assertThat(e.getBoolean("failed")).isEqualTo(e.getLong("taskNo") == 4);
      assertThat(e.getDuration().isNegative()).isFalse();
    });
    assertThat(ops).hasSize(5).allSatisfy(e -> {
      assertThat(e.getString("operation")).isEqualTo("work");
      assertThat(e.getLong("count")).isEqualTo(e.getLong("taskNo"));
    });
  }

  @Test
  void theEnvironmentChoosesTheExecutorAndWorkers() {
    Task<Integer, Integer> id = (x, ctx) -> x;
    Starmap<Integer, Integer> fromEnv = Starmap.builder("id", id)
        .environment(Map.of("STARMAP_EXECUTOR", "virtual", "STARMAP_WORKERS", "3")).build();
    assertThat(fromEnv.executorName()).isEqualTo("virtual");
    assertThat(fromEnv.workers()).isEqualTo(3);
    assertThat(fromEnv.reduce(List.of(1, 2, 3), 0, Integer::sum)).isEqualTo(6);

    Starmap<Integer, Integer> explicit = Starmap.builder("id", id).executor("no").workers(1)
        .environment(Map.of("STARMAP_EXECUTOR", "virtual", "STARMAP_WORKERS", "3")).build();
    assertThat(explicit.executorName()).as("the API wins over the environment").isEqualTo("no");
    assertThat(explicit.workers()).isEqualTo(1);

    Starmap<Integer, Integer> defaults = Starmap.builder("id", id).environment(Map.of()).build();
    assertThat(defaults.executorName()).isEqualTo("threads");
    assertThat(defaults.workers()).isEqualTo(Runtime.getRuntime().availableProcessors());

    assertThatThrownBy(() -> Starmap.builder("id", id)
        .environment(Map.of("STARMAP_EXECUTOR", "gpu")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("STARMAP_EXECUTOR").hasMessageContaining("'gpu'")
        .hasMessageContaining("no, ").hasMessageContaining("threads");
    assertThatThrownBy(() -> Starmap.builder("id", id)
        .environment(Map.of("STARMAP_WORKERS", "many")).build())
        .hasMessage("STARMAP_WORKERS must be a positive whole number, got 'many'");
    assertThatThrownBy(() -> Starmap.builder("id", id)
        .environment(Map.of("STARMAP_WORKERS", "0")).build())
        .hasMessageContaining("got '0'");
  }

  @Test
  void theBuilderNamesBadValues() {
    Task<Integer, Integer> id = (x, ctx) -> x;
    assertThatThrownBy(() -> Starmap.builder(" ", id)).hasMessageContaining("task name");
    assertThatThrownBy(() -> Starmap.builder("id", id).workers(0))
        .hasMessage("workers must be positive, got 0");
    assertThatThrownBy(() -> Starmap.builder("id", id).maxInFlight(-2))
        .hasMessage("maxInFlight must be positive, got -2");
    assertThatThrownBy(() -> Starmap.builder("id", id).executor("warp"))
        .hasMessageContaining("unknown executor 'warp'");
    assertThatThrownBy(() -> new MemoryGuard(0.95, 0.9))
        .hasMessageContaining("softFraction 0.95 must not exceed hardFraction 0.90");
    assertThatThrownBy(() -> new MemoryGuard(0, 0.9)).hasMessageContaining("softFraction");
  }

  @Test
  void progressHasPercentAndEta() {
    Progress half = new Progress("t", 60, 50, 1, 10, 100, 5_000_000_000L);
    assertThat(half.percent()).isEqualTo(50.0);
    assertThat(half.etaNanos()).isEqualTo(5_000_000_000L);
    Progress unknownTotal = new Progress("t", 40, 10, 0, 30, -1, 1_000_000_000L);
    assertThat(unknownTotal.percent()).isEqualTo(25.0);
    assertThat(unknownTotal.etaNanos()).isEqualTo(3_000_000_000L);
    assertThat(new Progress("t", 0, 0, 0, 0, 10, 0).etaNanos()).isEqualTo(-1);
    assertThat(new Progress("t", 10, 10, 0, 0, 10, 7).etaNanos()).isZero();
    assertThat(half.line()).isEqualTo("t 50% [50 of 100 done, 1 failed, 10 in flight] ETA 5 s");
    assertThat(new Progress("import", 600, 500, 0, 4, 1000, 750_000_000_000L).line())
        .isEqualTo("import 50% [500 of 1000 done, 4 in flight] ETA 12m30s");
    assertThat(unknownTotal.line()).isEqualTo("t 10 done [40 submitted, 30 in flight] ETA 3 s");
  }

  @Test
  void noRunsEachTaskOnlyAfterThePreviousOutcomeWasTaken() {
    List<Integer> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
    Starmap<Integer, Integer> sm = Starmap.<Integer, Integer>builder("debug", (x, ctx) -> {
      ran.add(x);
      if (x == 0) {
        throw new IllegalStateException("zero");
      }
      return x;
    }).executor("no").build();
    assertThatThrownBy(() -> sm.reduce(List.of(0, 1, 2), 0, Integer::sum))
        .hasMessageContaining("debug#0(0)");
    assertThat(ran).containsExactly(0);
  }

  @Test
  void everyPercentPassesOnOnlyWholePercentSteps() {
    List<Progress> seen = new ArrayList<>();
    Starmap<Integer, Integer> sm = Starmap.<Integer, Integer>builder("id", (x, ctx) -> x)
        .executor("threads").workers(2).progress(ProgressListener.everyPercent(seen::add))
        .build();
    sm.reduce(ExecutorContractTest.range(1000), 0, Integer::sum);
    assertThat(seen).hasSize(101); // the first outcome (0%), then 1% to 100%
    assertThat(seen.get(0).done()).isEqualTo(1);
    assertThat(seen.get(1).percent()).isEqualTo(1.0);
    assertThat(seen.get(100).done()).isEqualTo(1000);
  }

  @Test
  void theTransferLineSaysWhatWasSentAndReceived() {
    RunSummary s = new RunSummary("r", "import", "processes", 2, 522, 520, 2, 0, 1_200_000,
        48_000, 1, 1, RunSummary.Status.COMPLETE);
    assertThat(s.transferLine()).isEqualTo("Sent 522 import tasks, 1.2 MB; received 522 results,"
        + " 48 KB");
  }

  @Test
  void bigArgumentsAreNamedBrieflyInErrors() {
    Starmap<List<Integer>, Integer> sm = Starmap.<List<Integer>, Integer>builder("sum",
        (xs, ctx) -> {
          throw new IllegalStateException("no");
        }).executor("no").build();
    List<Integer> big = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      big.add(i);
    }
    assertThatThrownBy(() -> sm.reduce(List.of(big), 0, Integer::sum))
        .hasMessageContaining("sum#0(ArrayList of 100000 items)");
    assertThat(Starmap.brief(new int[] {1, 2})).isEqualTo("int[2]");
    assertThat(Starmap.brief(new String[] {"a", "b"})).isEqualTo("[a, b]");
    assertThat(Starmap.brief(List.of(1, 2))).isEqualTo("[1, 2]");
  }

  @Test
  void virtualRunsAtMostWorkersTasksAtOnce() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Starmap<Integer, Integer> sm = Starmap.<Integer, Integer>builder("io", (x, ctx) -> {
      int now = running.incrementAndGet();
      peak.accumulateAndGet(now, Math::max);
      Thread.sleep(5);
      running.decrementAndGet();
      return x;
    }).executor("virtual").workers(3).maxInFlight(12).build();
    assertThat(sm.reduce(ExecutorContractTest.range(60), 0, Integer::sum)).isEqualTo(1770);
    assertThat(peak.get()).isEqualTo(3);
  }

  @Test
  void aRecorderOrListenerThatThrowsNeverBreaksTheRun() {
    Recorder broken = new Recorder() {
      @Override
      public void taskCompleted(TaskMetrics metrics, List<OperationStats> operations) {
        throw new IllegalStateException("disk full");
      }
    };
    Starmap<Integer, Integer> sm = Starmap.<Integer, Integer>builder("id", (x, ctx) -> x)
        .executor("threads").workers(2).recorder(broken).progress(p -> {
          throw new IllegalStateException("terminal gone");
        }).build();
    assertThat(sm.reduce(ExecutorContractTest.range(100), 0, Integer::sum)).isEqualTo(4950);
  }

  @Test
  void aBrokenSourceOrWeightStopsTheRunWithAClearErrorAndNoThreadLeft() {
    java.util.Set<Thread> before = ExecutorContractTest.starmapThreads();
    Iterable<Integer> broken = () -> new java.util.Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        if (i == 5) {
          throw new IllegalStateException("line 6 is garbled");
        }
        return i++;
      }
    };
    Starmap<Integer, Integer> sm = Starmap.<Integer, Integer>builder("id", (x, ctx) -> x)
        .executor("threads").workers(2).build();
    assertThatThrownBy(() -> sm.reduce(broken, 0, Integer::sum))
        .isInstanceOf(StarmapException.class)
        .hasMessageContaining("the arguments of id could not be read after 5 values")
        .hasMessageContaining("line 6 is garbled");
    Starmap<Integer, Integer> badWeight = Starmap.<Integer, Integer>builder("id", (x, ctx) -> x)
        .executor("threads").workers(2).weight(x -> 10 / (x - 3)).build();
    assertThatThrownBy(() -> badWeight.reduce(ExecutorContractTest.range(10), 0, Integer::sum))
        .isInstanceOf(StarmapException.class)
        .hasMessageContaining("the weight function of id failed on task #3(3)");
    ExecutorContractTest.assertEventually(() -> {
      java.util.Set<Thread> now = ExecutorContractTest.starmapThreads();
      now.removeAll(before);
      assertThat(now).isEmpty();
    });
  }

  @Test
  void anAbortedRunHasStoppedItsThreadsWhenTheExceptionArrives() {
    java.util.Set<Thread> before = ExecutorContractTest.starmapThreads();
    Starmap<Integer, Integer> sm = Starmap.<Integer, Integer>builder("sleep", (x, ctx) -> {
      Thread.sleep(50);
      return x;
    }).executor("threads").workers(2).build();
    try (Run<Integer> run = sm.submit(ExecutorContractTest.range(1000))) {
      java.util.Iterator<Outcome<Integer>> it = run.iterator();
      it.next();
      Thread.currentThread().interrupt();
      assertThatThrownBy(it::hasNext).isInstanceOf(RunAbortedException.class);
      assertThat(Thread.interrupted()).as("flag restored").isTrue();
      assertThat(run.summary().status()).isEqualTo(RunSummary.Status.ABORTED);
    }
    java.util.Set<Thread> now = ExecutorContractTest.starmapThreads();
    now.removeAll(before);
    assertThat(now).as("no thread outlives the run").isEmpty();
  }

  static String shout(String word) {
    return word.toUpperCase(java.util.Locale.ROOT) + "!";
  }

  @Test
  void plainFunctionsAndMethodReferencesInferTheirTypesOnEveryExecutor() {
    // Compiles without type arguments: the types come from the function.
    Starmap<Long, Long> squares = Starmap.map("square", (Long n) -> n * n).workers(2).build();
    assertThat(squares.reduce(List.of(1L, 2L, 3L), 0L, Long::sum)).isEqualTo(14L);
    for (String executor : List.of("no", "threads", "virtual", "processes")) {
      Starmap<String, String> shouts =
          Starmap.map("shout", EngineIT::shout).executor(executor).workers(2).build();
      assertThat(shouts.reduce(List.of("a", "b"), "", (acc, r) -> acc + r).chars().sorted()
          .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
          .toString()).as(executor).isEqualTo("!!AB");
      Task<String, String> task = Task.of(EngineIT::shout);
      assertThat(Starmap.builder("shoutTask", task).executor(executor).workers(2).build()
          .reduce(List.of("c"), "", String::concat)).as(executor).isEqualTo("C!");
    }
  }
}

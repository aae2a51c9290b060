package io.starmap.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every executor passes, whatever runs its tasks: threads, virtual threads, the
 * caller's thread, worker JVMs or a cluster. A subclass names the executor (and its options); the
 * tests drive it only through the public {@link Starmap} API.
 *
 * <p>Tasks are static nested classes with serializable fields, and they talk to the test only
 * through their results and marker files in a temporary directory, so that they behave the same
 * in another JVM on this machine. Observations of the back-pressure bound are made on the master
 * side (how many arguments were pulled from the lazy source when each outcome arrived).
 *
 * <p>Capabilities that an executor legitimately lacks are declared by overriding the {@code
 * protected boolean} flags; the tests that need them are then skipped, not failed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ExecutorContractTest {

  @TempDir protected Path dir;

  /** The executor's name, as {@link Starmap.Builder#executor(String)} takes it. */
  protected abstract String executorName();

  /** Executor-specific options passed with {@link Starmap.Builder#option}; none by default. */
  protected Map<String, String> options() {
    return Map.of();
  }

  /** How many workers the tests ask for; 2 by default. */
  protected int workers() {
    return 2;
  }

  /** False for an executor that runs one task at a time (the sequential one). */
  protected boolean runsTasksConcurrently() {
    return true;
  }

  /** False for an executor that cannot interrupt a task once it runs. */
  protected boolean supportsInterruptingRunningTasks() {
    return true;
  }

  /**
   * False for an executor that keeps threads alive after a run by design (for example a pool of
   * worker processes shared across runs, whose reader threads stay).
   */
  protected boolean stopsItsThreadsWhenTheRunEnds() {
    return true;
  }

  /** True for an executor that runs tasks in other JVMs, so that failures travel serialized. */
  protected boolean runsTasksInOtherJvms() {
    return false;
  }

  /** A builder for {@code task} on the executor under test, with its options and workers. */
  protected <A, R> Starmap.Builder<A, R> builder(String name, Task<A, R> task) {
    Starmap.Builder<A, R> b = Starmap.builder(name, task).executor(executorName())
        .workers(workers());
    options().forEach(b::option);
    return b;
  }

  // ---------------------------------------------------------------- tasks (travel to workers)

  /** x -> x*x, with a measured operation {@code square} counting 1. */
  public static final class Square implements Task<Integer, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long call(Integer x, TaskContext<Integer> ctx) {
      try (var m = ctx.measure("square")) {
        m.count(1);
        try (var inner = ctx.measure("multiply")) {
          inner.count(1);
          return (long) x * x;
        }
      }
    }
  }

  /**
   * Task 0 waits until the master has received every other task's outcome (the test's consumer
   * writes a {@code received-i} marker for each), so it completes last whatever the load.
   */
  public static final class SlowFirst implements Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    private final String dir;
    private final int count;

    SlowFirst(Path dir, int count) {
      this.dir = dir.toString();
      this.count = count;
    }

    @Override
    public Integer call(Integer x, TaskContext<Integer> ctx) throws Exception {
      Path d = Path.of(dir);
      if (x == 0) {
        for (int i = 1; i < count; i++) {
          awaitFile(d.resolve("received-" + i), 60_000);
        }
      }
      return x;
    }
  }

  /** Throws from {@link #explode} for the argument {@code bad}, else returns the argument. */
  public static final class FailOn implements Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    private final int bad;

    FailOn(int bad) {
      this.bad = bad;
    }

    @Override
    public Integer call(Integer x, TaskContext<Integer> ctx) {
      if (x == bad || bad < 0 && x % 2 == 1) {
        explode(x);
      }
      return x;
    }

    static void explode(int x) {
      throw new IllegalStateException("cannot handle " + x);
    }
  }

  /**
   * Task 1 fails once task 0 runs; every other task blocks for a minute and leaves markers:
   * {@code started-i}, {@code interrupted-i} when interrupted, {@code ended-i} when it ends.
   */
  public static final class BlockOrFail implements Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    private final String dir;

    BlockOrFail(Path dir) {
      this.dir = dir.toString();
    }

    @Override
    public Integer call(Integer x, TaskContext<Integer> ctx) throws Exception {
      Path d = Path.of(dir);
      if (x == 1) {
        // Generous: on a loaded 2-core machine a cluster member can take many seconds to start
        // a task; the test is about what happens after task 0 starts.
        awaitFile(d.resolve("started-0"), 60_000);
        throw new IllegalStateException("task 1 fails while task 0 runs");
      }
      touch(d.resolve("started-" + x));
      try {
        Thread.sleep(60_000);
        return x;
      } catch (InterruptedException e) {
        touch(d.resolve("interrupted-" + x));
        throw e;
      } finally {
        touch(d.resolve("ended-" + x));
      }
    }
  }

  /** Splits n into two subtasks n/2 and n - n/2 until 1; returns 1 for each leaf. */
  public static final class Halve implements Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer call(Integer n, TaskContext<Integer> ctx) {
      if (n <= 1) {
        return n;
      }
      ctx.submit(n / 2);
      ctx.submit(n - n / 2);
      return 0;
    }
  }

  /** Returns a mebibyte. */
  public static final class Mebibyte implements Task<Integer, byte[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public byte[] call(Integer x, TaskContext<Integer> ctx) {
      byte[] b = new byte[1 << 20];
      java.util.Arrays.fill(b, (byte) x.intValue());
      return b;
    }
  }

  /** Sleeps {@code millis}, then returns the argument. */
  public static final class Sleep implements Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    private final long millis;

    Sleep(long millis) {
      this.millis = millis;
    }

    @Override
    public Integer call(Integer x, TaskContext<Integer> ctx) throws Exception {
      Thread.sleep(millis);
      return x;
    }
  }

  /** A map of the argument, its square and a one-element list: checks an accumulated reduce. */
  public static final class Accumulate implements Task<Integer, AccumMap> {
    private static final long serialVersionUID = 1L;

    @Override
    public AccumMap call(Integer x, TaskContext<Integer> ctx) {
      return AccumMap.of("n", 1L, "sum", (long) x, "moments", new double[] {x, (double) x * x},
          "odd", x % 2 == 1 ? List.of(x) : List.of());
    }
  }

  // ---------------------------------------------------------------- tests

  @Test
  void reducesToTheSameResultAsASequentialLoop() {
    Starmap<Integer, Long> squares = this.<Integer, Long>builder("square", new Square()).build();
    long expected = 0;
    for (int i = 0; i < 200; i++) {
      expected += (long) i * i;
    }
    assertThat(squares.reduce(range(200), 0L, Long::sum)).isEqualTo(expected);
  }

  @Test
  void accumulatesMapsOfArraysAndListsLikeASequentialLoop() {
    Starmap<Integer, AccumMap> sm =
        this.<Integer, AccumMap>builder("accumulate", new Accumulate()).build();
    AccumMap total = sm.reduce(range(101), AccumMap.empty(), AccumMap::plus);
    assertThat(total.get("n")).isEqualTo(101L);
    assertThat(total.get("sum")).isEqualTo(5050L);
    assertThat((double[]) total.get("moments")).containsExactly(5050.0, 338_350.0);
    List<Object> odd = new ArrayList<>((List<?>) total.get("odd"));
    assertThat(odd).hasSize(50).containsExactlyInAnyOrderElementsOf(
        range(101).stream().filter(i -> i % 2 == 1).map(i -> (Object) i).toList());
  }

  @Test
  void reduceOfNoArgumentsIsTheIdentity() {
    Starmap<Integer, Long> squares = this.<Integer, Long>builder("square", new Square()).build();
    assertThat(squares.reduce(List.of(), 42L, Long::sum)).isEqualTo(42L);
    AccumMap identity = AccumMap.empty();
    Starmap<Integer, AccumMap> sm =
        this.<Integer, AccumMap>builder("accumulate", new Accumulate()).build();
    assertThat(sm.reduce(List.of(), identity, AccumMap::plus)).isEqualTo(AccumMap.empty());
    // the identity is never changed by a reduce that uses it
    sm.reduce(range(10), identity, AccumMap::plus);
    assertThat(identity.isEmpty()).isTrue();
  }

  @Test
  void givesOutcomesInCompletionOrder() {
    assumeTrue(runsTasksConcurrently(), "the executor runs one task at a time");
    int n = 8;
    Starmap<Integer, Integer> sm =
        this.<Integer, Integer>builder("slowFirst", new SlowFirst(dir, n)).build();
    List<Long> order = new ArrayList<>();
    try (Run<Integer> run = sm.submit(range(n))) {
      for (Outcome<Integer> o : run) {
        assertThat(o.get()).isEqualTo((int) o.taskNo());
        order.add(o.taskNo());
        touch(dir.resolve("received-" + o.taskNo()));
      }
    }
    assertThat(order).hasSize(n).containsExactlyInAnyOrderElementsOf(
        List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L));
    assertThat(order.get(n - 1)).as("slow task 0 completes last: %s", order).isEqualTo(0L);
  }

  @Test
  void keepsAtMostMaxInFlightTasksSubmitted() {
    int k = 3;
    CountingSource source = new CountingSource(60);
    Starmap<Integer, Long> sm = this.<Integer, Long>builder("square", new Square())
        .maxInFlight(k).build();
    long received = 0;
    long maxAhead = 0;
    try (Run<Long> run = sm.submit(() -> source)) {
      for (Outcome<Long> o : run) {
        received++;
        long ahead = source.pulled() - received;
        // The outcome just received was one of at most k tasks in flight.
        assertThat(ahead).as("tasks submitted and not yet received").isLessThan(k);
        maxAhead = Math.max(maxAhead, source.pulled() - (received - 1));
      }
    }
    assertThat(received).isEqualTo(60);
    assertThat(maxAhead).as("the bound is reached, not just respected").isEqualTo(k);
  }

  @Test
  void theDefaultBoundGrowsForShortTasksAndStaysTwiceTheWorkersForLongOnes() {
    assumeTrue(runsTasksConcurrently(), "the executor runs one task at a time");
    int tight = 2 * workers();
    CountingSource shortOnes = new CountingSource(3000);
    long aheadShort = maxAhead(this.<Integer, Long>builder("square", new Square()).build(),
        shortOnes);
    assertThat(aheadShort).as("short tasks are handed over in batches").isGreaterThan(tight)
        .isLessThanOrEqualTo(Starmap.ADAPTIVE_WINDOW_PER_WORKER * workers());
    CountingSource longOnes = new CountingSource(6 * tight);
    long aheadLong = maxAhead(this.<Integer, Integer>builder("sleep", new Sleep(20)).build(),
        longOnes);
    assertThat(aheadLong).as("tasks of 20 ms keep the tight bound").isLessThanOrEqualTo(tight);
  }

  /** The most tasks submitted and not yet received at any outcome of a run over {@code source}. */
  private static long maxAhead(Starmap<Integer, ?> sm, CountingSource source) {
    long received = 0;
    long max = 0;
    try (Run<?> run = sm.submit(() -> source)) {
      for (Outcome<?> o : run) {
        max = Math.max(max, source.pulled() - received);
        received++;
      }
    }
    return max;
  }

  @Test
  void pullsALazySourceOnlyAsTasksAreSubmitted() {
    CountingSource million = new CountingSource(1_000_000);
    Starmap<Integer, Long> sm = this.<Integer, Long>builder("square", new Square()).build();
    // The default window grows for short tasks, up to its bound per worker.
    int k = Starmap.ADAPTIVE_WINDOW_PER_WORKER * workers();
    try (Run<Long> run = sm.submit(() -> million)) {
      Iterator<Outcome<Long>> it = run.iterator();
      for (int i = 0; i < 10; i++) {
        Outcome<Long> o = it.next();
        assertThat(o.get()).isEqualTo(o.taskNo() * o.taskNo());
      }
      assertThat(million.pulled()).isLessThanOrEqualTo(10 + k);
    }
    assertThat(million.pulled()).isLessThanOrEqualTo(10 + k);
  }

  /** Throws an application's exception: {@link ContractFailure} or {@code AcmeFailure}. */
  public static final class Throws implements Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    private final boolean acme;

    Throws(boolean acme) {
      this.acme = acme;
    }

    @Override
    public Integer call(Integer x, TaskContext<Integer> ctx) {
      throw acme ? new com.example.acme.AcmeFailure("acme broke on " + x)
          : new ContractFailure("contract broke on " + x);
    }
  }

  /** An exception of the tests' own package, which every executor lets travel as itself. */
  public static final class ContractFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ContractFailure(String message) {
      super(message);
    }
  }

  @Test
  void anExceptionOfAnAllowedClassArrivesAsItselfOnEveryExecutor() {
    Starmap<Integer, Integer> sm = this.<Integer, Integer>builder("throws", new Throws(false))
        .build();
    assertThatThrownBy(() -> sm.reduce(range(1), 0, Integer::sum))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining(ContractFailure.class.getName() + ": contract broke on 0")
        .cause().isExactlyInstanceOf(ContractFailure.class).hasMessage("contract broke on 0");
  }

  @Test
  void anExceptionThatCannotTravelArrivesAsOneRemoteTaskExceptionThatSaysHowToAllowIt() {
    Starmap<Integer, Integer> sm = this.<Integer, Integer>builder("throws", new Throws(true))
        .build();
    Throwable thrown = catchThrowable(() -> sm.reduce(range(1), 0, Integer::sum));
    assertThat(thrown).isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("com.example.acme.AcmeFailure: acme broke on 0");
    Throwable cause = thrown.getCause();
    if (!runsTasksInOtherJvms()) {
      assertThat(cause).isExactlyInstanceOf(com.example.acme.AcmeFailure.class);
      return;
    }
    // The same type on every executor that crosses JVMs, a StarmapException like the rest.
    assertThat(cause).isExactlyInstanceOf(RemoteTaskException.class)
        .isInstanceOf(StarmapException.class)
        .hasMessageStartingWith("com.example.acme.AcmeFailure: acme broke on 0 (sent as a copy")
        .hasMessageContaining("allow").hasMessageContaining("com.example.acme");
    RemoteTaskException remote = (RemoteTaskException) cause;
    assertThat(remote.originalClassName()).isEqualTo("com.example.acme.AcmeFailure");
    assertThat(remote.originalMessage()).isEqualTo("acme broke on 0");
    assertThat(remote.getStackTrace()).as("the remote frames")
        .anySatisfy(f -> assertThat(f.getClassName()).isEqualTo(Throws.class.getName()));
    // Said once: the failure's message does not repeat the copy's type or its reason.
    assertThat(thrown.getMessage()).doesNotContain(RemoteTaskException.class.getSimpleName());
  }

  @Test
  void aFailingTaskStopsTheRunWithTheOriginalStackTrace() {
    CountingSource source = new CountingSource(1000);
    Starmap<Integer, Integer> sm =
        this.<Integer, Integer>builder("failOn", new FailOn(3)).build();
    Set<Thread> before = starmapThreads();
    Throwable thrown = null;
    long received = 0;
    try (Run<Integer> run = sm.submit(() -> source)) {
      for (Outcome<Integer> o : run) {
        assertThat(o.taskNo()).isNotEqualTo(3);
        received++;
      }
    } catch (TaskFailedException e) {
      thrown = e;
    }
    assertThat(thrown).isNotNull();
    TaskFailedException failure = (TaskFailedException) thrown;
    assertThat(failure.taskNo()).isEqualTo(3);
    assertThat(failure.taskName()).isEqualTo("failOn");
    assertThat(failure).hasMessageContaining("failOn#3(3)").hasMessageContaining("cannot handle 3");
    assertThat(failure.getCause()).isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot handle 3");
    assertThat(failure.getCause().getStackTrace())
        .as("the stack trace from where the exception was thrown")
        .anySatisfy(frame -> {
          assertThat(frame.getClassName()).isEqualTo(FailOn.class.getName());
          assertThat(frame.getMethodName()).isEqualTo("explode");
        });
    // Nothing is pulled once the failure is taken: at most the in-flight bound beyond the
    // outcomes taken before it (tasks that other workers completed meanwhile).
    assertThat(source.pulled()).as("the rest of the source is not run (%d outcomes taken)",
        received).isLessThanOrEqualTo(
            received + 1 + (long) Starmap.ADAPTIVE_WINDOW_PER_WORKER * workers())
        .isLessThan(1000);
    assertNoThreadLeft(before);
  }

  @Test
  void failFastCancelsAndInterruptsRunningTasksAndLeavesNoThread() throws Exception {
    assumeTrue(runsTasksConcurrently(), "the executor runs one task at a time");
    assumeTrue(supportsInterruptingRunningTasks(), "the executor cannot interrupt a task");
    Set<Thread> before = starmapThreads();
    // No more tasks in flight than slots: task 1 waits for task 0 to start, and which of more
    // tasks than slots start first is the executor's business (a cluster member's queue does
    // not keep the order the master sent them in: CI once saw task 0 wait behind tasks 2 and 4
    // until task 1 gave up after 60 s).
    Starmap<Integer, Integer> sm =
        this.<Integer, Integer>builder("blockOrFail", new BlockOrFail(dir))
            .maxInFlight(workers()).build();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> sm.reduce(range(20), 0, Integer::sum))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("blockOrFail#1(1)")
        .cause().hasMessage("task 1 fails while task 0 runs");
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - t0)).as("no wait for the blocked tasks")
        .isLessThan(java.time.Duration.ofSeconds(40));
    awaitFile(dir.resolve("interrupted-0"), 20_000);
    // Every task that started has ended: nothing still runs anywhere.
    assertEventually(() -> {
      List<String> started = markers("started-");
      List<String> ended = markers("ended-");
      assertThat(ended).containsExactlyInAnyOrderElementsOf(started);
    });
    assertNoThreadLeft(before);
  }

  @Test
  void collectAllReturnsEveryFailureAndGoesOn() {
    Starmap<Integer, Integer> sm = this.<Integer, Integer>builder("failOnOdd", new FailOn(-1))
        .failurePolicy(FailurePolicy.COLLECT_ALL).build();
    List<Outcome<Integer>> outcomes = new ArrayList<>();
    RunSummary summary;
    try (Run<Integer> run = sm.submit(range(20))) {
      run.forEach(outcomes::add);
      summary = run.summary();
    }
    assertThat(outcomes).hasSize(20);
    for (Outcome<Integer> o : outcomes) {
      if (o.taskNo() % 2 == 1) {
        assertThat(o.succeeded()).isFalse();
        assertThat(o.metrics().status()).isEqualTo(TaskStatus.FAILED);
        assertThat(o.failure()).isInstanceOf(TaskFailedException.class)
            .hasMessageContaining("failOnOdd#" + o.taskNo())
            .cause().isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(o::get).isSameAs(o.failure());
      } else {
        assertThat(o.succeeded()).isTrue();
        assertThat(o.get()).isEqualTo((int) o.taskNo());
      }
    }
    assertThat(summary.succeeded()).isEqualTo(10);
    assertThat(summary.failed()).isEqualTo(10);
    assertThat(summary.status()).isEqualTo(RunSummary.Status.COMPLETE);
  }

  @Test
  void runsTheSubtasksThatATaskSubmits() {
    Starmap<Integer, Integer> sm = this.<Integer, Integer>builder("halve", new Halve()).build();
    List<Outcome<Integer>> outcomes = new ArrayList<>();
    try (Run<Integer> run = sm.submit(List.of(5, 8, 1))) {
      run.forEach(outcomes::add);
      // 5 -> 9 tasks, 8 -> 15 tasks, 1 -> 1 task: a binary split tree has 2n - 1 nodes
      assertThat(run.summary().submitted()).isEqualTo(25);
    }
    assertThat(outcomes).hasSize(25);
    assertThat(outcomes.stream().mapToInt(Outcome::get).sum()).isEqualTo(14);
    assertThat(outcomes.stream().map(Outcome::taskNo).collect(Collectors.toSet())).hasSize(25);
  }

  @Test
  void theMemoryGuardWarnsOnceThenStopsTheRunBeforeTheHeapIsFull() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long used = rt.totalMemory() - rt.freeMemory();
    long max = rt.maxMemory();
    assumeTrue(max - used > 200L << 20, "needs 200 MB of free heap");
    double soft = (used + (16L << 20)) / (double) max;
    double hard = (used + (96L << 20)) / (double) max;
    RecordingRecorder recorder = new RecordingRecorder();
    Starmap<Integer, byte[]> sm = this.<Integer, byte[]>builder("mebibyte", new Mebibyte())
        .memoryGuard(new MemoryGuard(soft, hard)).recorder(recorder).build();
    List<byte[]> kept = new ArrayList<>();
    assertThatThrownBy(() -> {
      try (Run<byte[]> run = sm.submit(range(1000))) {
        for (Outcome<byte[]> o : run) {
          kept.add(o.get());
        }
      }
    }).isInstanceOf(MemoryLimitExceededException.class).hasMessageContaining("hard limit")
        .hasMessageContaining("mebibyte");
    assertThat(kept.size()).isBetween(16, 400);
    assertThat(recorder.logs.stream().filter(l -> l.contains("soft limit"))).hasSize(1);
    assertThat(recorder.ended.get().status()).isEqualTo(RunSummary.Status.FAILED);
    kept.clear();
  }

  @Test
  void recordsEveryTaskWithItsOperationsAndTheTransferLine() {
    RecordingRecorder recorder = new RecordingRecorder();
    List<Progress> progress = new CopyOnWriteArrayList<>();
    Starmap<Integer, Long> sm = this.<Integer, Long>builder("square", new Square())
        .recorder(recorder).progress(progress::add).weight(x -> x + 1.0).build();
    int n = 20;
    try (Run<Long> run = sm.submit(range(n))) {
      for (Outcome<Long> o : run) {
        assertThat(o.operations()).extracting(OperationStats::operation)
            .contains("total square", "square", "multiply");
      }
    }
    assertThat(recorder.started).hasSize(1);
    assertThat(recorder.started.get(0).executor()).isEqualTo(executorName());
    assertThat(recorder.tasks).hasSize(n);
    for (TaskMetrics m : recorder.tasks) {
      assertThat(m.taskName()).isEqualTo("square");
      assertThat(m.status()).isEqualTo(TaskStatus.SUCCEEDED);
      assertThat(m.workerId()).isNotBlank();
      assertThat(m.weight()).isEqualTo(m.taskNo() + 1.0);
      assertThat(m.wallNanos()).isPositive();
    }
    assertThat(recorder.operations).filteredOn(op -> op.operation().equals("square"))
        .hasSize(n).allSatisfy(op -> {
          assertThat(op.calls()).isEqualTo(1);
          assertThat(op.count()).isEqualTo(1);
        });
    assertThat(recorder.operations).filteredOn(op -> op.operation().equals("total square"))
        .hasSize(n);
    assertThat(recorder.logs).anyMatch(l -> l.startsWith("Sent 20 square tasks, ")
        && l.contains("; received 20 results, "));
    assertThat(recorder.ended.get().status()).isEqualTo(RunSummary.Status.COMPLETE);
    assertThat(recorder.ended.get().succeeded()).isEqualTo(n);

    assertThat(progress).hasSize(n);
    Progress last = progress.get(n - 1);
    assertThat(last.done()).isEqualTo(n);
    assertThat(last.total()).isEqualTo(n);
    assertThat(last.percent()).isEqualTo(100.0);
    assertThat(last.etaNanos()).isZero();
    for (int i = 1; i < n; i++) {
      assertThat(progress.get(i).done()).isEqualTo(progress.get(i - 1).done() + 1);
    }
  }

  @Test
  void anInterruptOfTheConsumerAbortsTheRun() throws Exception {
    Set<Thread> before = starmapThreads();
    Starmap<Integer, Integer> sm = this.<Integer, Integer>builder("sleep", new Sleep(20)).build();
    CountDownLatch firstOutcome = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> interruptFlag = new AtomicReference<>();
    AtomicReference<RunSummary> summary = new AtomicReference<>();
    Thread consumer = new Thread(() -> {
      Run<Integer> run = sm.submit(range(100_000));
      try (run) {
        for (Outcome<Integer> o : run) {
          firstOutcome.countDown();
        }
      } catch (Throwable t) {
        thrown.set(t);
        interruptFlag.set(Thread.currentThread().isInterrupted());
      }
      summary.set(run.summary());
    }, "contract-consumer");
    consumer.start();
    assertThat(firstOutcome.await(60, TimeUnit.SECONDS)).isTrue();
    consumer.interrupt();
    consumer.join(60_000);
    assertThat(consumer.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(RunAbortedException.class)
        .hasMessageContaining("sleep");
    assertThat(interruptFlag.get()).as("interrupt flag restored").isTrue();
    assertThat(summary.get().status()).isEqualTo(RunSummary.Status.ABORTED);
    assertNoThreadLeft(before);
  }

  // ---------------------------------------------------------------- helpers

  /** 0, 1, ..., n - 1. */
  protected static List<Integer> range(int n) {
    List<Integer> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(i);
    }
    return list;
  }

  /** A lazy source of 0, 1, ..., n - 1 that counts how many values were pulled. */
  protected static final class CountingSource implements Iterator<Integer> {
    private final int size;
    private final AtomicLong pulled = new AtomicLong();

    CountingSource(int size) {
      this.size = size;
    }

    @Override
    public boolean hasNext() {
      return pulled.get() < size;
    }

    @Override
    public Integer next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return (int) pulled.getAndIncrement();
    }

    long pulled() {
      return pulled.get();
    }
  }

  /** Keeps what the master records. */
  protected static final class RecordingRecorder implements Recorder {
    final List<RunInfo> started = new CopyOnWriteArrayList<>();
    final List<TaskMetrics> tasks = new CopyOnWriteArrayList<>();
    final List<OperationStats> operations = new CopyOnWriteArrayList<>();
    final List<String> logs = new CopyOnWriteArrayList<>();
    final AtomicReference<RunSummary> ended = new AtomicReference<>();

    @Override
    public void runStarted(RunInfo info) {
      started.add(info);
    }

    @Override
    public void taskCompleted(TaskMetrics metrics, List<OperationStats> ops) {
      tasks.add(metrics);
      operations.addAll(ops);
    }

    @Override
    public void log(System.Logger.Level level, String message) {
      logs.add(message);
    }

    @Override
    public void runEnded(RunSummary summary, Throwable failure) {
      ended.set(summary);
    }
  }

  static void touch(Path file) {
    try {
      Files.writeString(file, "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void awaitFile(Path file, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + file);
      }
      Thread.sleep(5);
    }
  }

  private List<String> markers(String prefix) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
          .map(n -> n.substring(prefix.length())).toList();
    }
  }

  /** Live platform threads named {@code starmap-...}. */
  protected static Set<Thread> starmapThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("starmap-"))
        .collect(Collectors.toSet());
  }

  /** Asserts that no {@code starmap-} thread started since {@code before} is still alive. */
  protected void assertNoThreadLeft(Set<Thread> before) {
    if (!stopsItsThreadsWhenTheRunEnds()) {
      return;
    }
    assertEventually(() -> {
      Set<Thread> now = starmapThreads();
      now.removeAll(before);
      assertThat(now).as("threads left behind").isEmpty();
    });
  }

  /** Retries {@code check} for up to 10 seconds. */
  protected static void assertEventually(ThrowingRunnable check) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | Exception e) {
        if (System.nanoTime() > deadline) {
          if (e instanceof AssertionError a) {
            throw a;
          }
          fail(e);
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail(e);
      }
    }
  }

  /** A check that may throw. */
  @FunctionalInterface
  protected interface ThrowingRunnable {
    /** Runs the check. */
    void run() throws Exception;
  }

}

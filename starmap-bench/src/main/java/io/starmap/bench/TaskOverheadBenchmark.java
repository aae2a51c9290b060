package io.starmap.bench;

import io.starmap.core.OperationStats;
import io.starmap.core.Outcome;
import io.starmap.core.Recorder;
import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.TaskMetrics;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the starmap per task: {@value #TASKS} trivial tasks on 2 workers, through the
 * starmap on {@code threads} with full instrumentation (per-task CPU time, allocation, the {@code
 * total} operation, one measured operation in the task, a recorder and a progress listener that
 * see every task) against a bare {@link ExecutorService} of 2 threads with an {@link
 * ExecutorCompletionService}. The score is microseconds per task; the difference of the two is
 * what the starmap adds.
 *
 * <p>Run: {@code mvn -q -pl starmap-bench -am package -DskipTests && java -jar
 * starmap-bench/target/benchmarks.jar TaskOverhead}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgs = {"-Xmx1g"})
public class TaskOverheadBenchmark {
  static final int TASKS = 20_000;
  static final int WORKERS = 2;

  private ExecutorService bare;
  private Starmap<Integer, Integer> instrumented;
  private Starmap<Integer, Integer> measured;
  private Starmap<Integer, Integer> sequential;
  private Starmap<Integer, Integer> onVirtual;
  private Starmap<Integer, Integer> onProcesses;
  private long recorded;
  private long progressed;

  @Setup(Level.Trial)
  public void setUp() {
    bare = Executors.newFixedThreadPool(WORKERS);
    Recorder recorder = new Recorder() {
      @Override
      public void taskCompleted(TaskMetrics metrics, List<OperationStats> operations) {
        recorded += metrics.cpuNanos() + operations.size();
      }
    };
    instrumented = Starmap.<Integer, Integer>builder("trivial", (x, ctx) -> x + 1)
        .executor("threads").workers(WORKERS).recorder(recorder)
        .progress(p -> progressed += p.done()).build();
    onVirtual = Starmap.<Integer, Integer>builder("trivial", (x, ctx) -> x + 1)
        .executor("virtual").workers(WORKERS).recorder(recorder)
        .progress(p -> progressed += p.done()).build();
    io.starmap.core.processes.ProcessPools.warmUp(WORKERS, java.util.Map.of());
    onProcesses = Starmap.<Integer, Integer>builder("trivial", new Increment())
        .executor("processes").workers(WORKERS).recorder(recorder)
        .progress(p -> progressed += p.done()).build();
    sequential = Starmap.<Integer, Integer>builder("trivial", (x, ctx) -> x + 1)
        .executor("no").recorder(recorder).progress(p -> progressed += p.done()).build();
    measured = Starmap.<Integer, Integer>builder("measured", (x, ctx) -> {
      try (var m = ctx.measure("add")) {
        m.count(1);
        return x + 1;
      }
    }).executor("threads").workers(WORKERS).recorder(recorder)
        .progress(p -> progressed += p.done()).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    bare.shutdownNow();
    io.starmap.core.processes.ProcessPools.shutdown();
  }

  /** A bare pool: submit every task, take every result in completion order. */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long bareExecutorService() throws InterruptedException, ExecutionException {
    ExecutorCompletionService<Integer> done = new ExecutorCompletionService<>(bare);
    for (int i = 0; i < TASKS; i++) {
      int x = i;
      done.submit(() -> x + 1);
    }
    long sum = 0;
    for (int i = 0; i < TASKS; i++) {
      sum += done.take().get();
    }
    return sum;
  }

  /**
   * A bare pool with the starmap's back-pressure: at most {@code 2 x workers} tasks in flight,
   * one submitted as one completes. Shows what the hand-off pattern itself costs.
   */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long bareExecutorServiceBounded() throws InterruptedException, ExecutionException {
    ExecutorCompletionService<Integer> done = new ExecutorCompletionService<>(bare);
    int submitted = 0;
    long sum = 0;
    for (; submitted < 2 * WORKERS; submitted++) {
      int x = submitted;
      done.submit(() -> x + 1);
    }
    for (int i = 0; i < TASKS; i++) {
      sum += done.take().get();
      if (submitted < TASKS) {
        int x = submitted++;
        done.submit(() -> x + 1);
      }
    }
    return sum;
  }

  /** The starmap on {@code no}: the engine and the instrumentation without any hand-off. */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long starmapSequential() {
    long sum = 0;
    try (Run<Integer> run = sequential.submit(() -> new Counter(TASKS))) {
      for (Outcome<Integer> o : run) {
        sum += o.value();
      }
    }
    return sum;
  }

  /** The starmap, instrumented, on a lazy source; the task does nothing but add. */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long starmapThreads() {
    long sum = 0;
    try (Run<Integer> run = instrumented.submit(() -> new Counter(TASKS))) {
      for (Outcome<Integer> o : run) {
        sum += o.value();
      }
    }
    return sum;
  }

  /** The same on {@code virtual}: a virtual thread per task, at most 2 running. */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long starmapVirtual() {
    long sum = 0;
    try (Run<Integer> run = onVirtual.submit(() -> new Counter(TASKS))) {
      for (Outcome<Integer> o : run) {
        sum += o.value();
      }
    }
    return sum;
  }

  /**
   * The same on {@code processes}: 2 worker JVMs (started once per run: the score includes their
   * start-up spread over the tasks of one invocation).
   */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long starmapProcesses() {
    long sum = 0;
    try (Run<Integer> run = onProcesses.submit(() -> new Counter(TASKS))) {
      for (Outcome<Integer> o : run) {
        sum += o.value();
      }
    }
    return sum;
  }

  /** x + 1, as a class that worker JVMs can load. */
  public static final class Increment implements io.starmap.core.Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer call(Integer x, io.starmap.core.TaskContext<Integer> ctx) {
      return x + 1;
    }
  }

  /** The same, with one measured operation inside each task. */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long starmapThreadsWithOperation() {
    long sum = 0;
    try (Run<Integer> run = measured.submit(() -> new Counter(TASKS))) {
      for (Outcome<Integer> o : run) {
        sum += o.value();
      }
    }
    return sum;
  }

  /** 0, 1, ..., n - 1, lazily. */
  static final class Counter implements Iterator<Integer> {
    private final int n;
    private int i;

    Counter(int n) {
      this.n = n;
    }

    @Override
    public boolean hasNext() {
      return i < n;
    }

    @Override
    public Integer next() {
      if (i >= n) {
        throw new NoSuchElementException();
      }
      return i++;
    }
  }
}

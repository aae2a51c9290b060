package io.starmap.bench;

import io.starmap.core.Starmap;
import io.starmap.core.processes.ProcessPoolInfo;
import io.starmap.core.processes.ProcessPools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code processes} executor: the round trip of a trivial task through 2 worker JVMs (the
 * argument serialized, sent over the loopback socket, run with the full instrumentation and the
 * worker's RSS read, the result serialized and sent back, the reply recorded by the starmap), in
 * microseconds per task, with {@code pipelineDepth} tasks in flight per worker; and the time to
 * start a pool of worker JVMs until every worker is connected and warmed up.
 *
 * <p>Run: {@code mvn -q -pl starmap-bench -am package -DskipTests && java -jar
 * starmap-bench/target/benchmarks.jar ProcessesBenchmark}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ProcessesBenchmark {
  static final int TASKS = 20_000;
  static final int WORKERS = 2;

  /** A pool of 2 workers, started once per trial and reused by every invocation. */
  @State(Scope.Benchmark)
  public static class Pool {
    /** Tasks sent ahead to each worker; the starmap keeps twice as many in flight in all. */
    @Param({"1", "4", "16", "64"})
    public int pipelineDepth;

    Starmap<Integer, Integer> trivial;
    List<Integer> args;

    @Setup(Level.Trial)
    public void setUp() {
      Map<String, String> options = Map.of("pipelineDepth", Integer.toString(pipelineDepth));
      ProcessPools.warmUp(WORKERS, options); // started before the run, as an application would
      Starmap.Builder<Integer, Integer> b = Starmap.<Integer, Integer>builder("trivial",
              (x, ctx) -> x + 1)
          .executor("processes").workers(WORKERS).maxInFlight(WORKERS * pipelineDepth);
      options.forEach(b::option);
      trivial = b.build();
      args = new ArrayList<>(TASKS);
      for (int i = 0; i < TASKS; i++) {
        args.add(i);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      ProcessPools.shutdown();
    }
  }

  /** Microseconds per trivial task, 2 workers, {@code pipelineDepth} in flight per worker. */
  @Benchmark
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  @OperationsPerInvocation(TASKS)
  public long roundTrip(Pool pool) {
    return pool.trivial.reduce(pool.args, 0L, (acc, r) -> acc + r);
  }

  /** A fresh pool per invocation. */
  @State(Scope.Thread)
  public static class Fresh {
    @Param({"1", "2"})
    public int workers;

    @TearDown(Level.Invocation)
    public void stop() {
      ProcessPools.shutdown();
    }
  }

  /** Milliseconds to start a pool: JVMs spawned, connected, warmed up and ready. */
  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 10)
  public ProcessPoolInfo poolStart(Fresh fresh) {
    return ProcessPools.warmUp(fresh.workers, Map.of());
  }
}

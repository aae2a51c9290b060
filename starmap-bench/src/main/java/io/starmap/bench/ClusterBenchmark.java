package io.starmap.bench;

import io.starmap.core.Starmap;
import io.starmap.core.Task;
import io.starmap.hazelcast.ClusterExecutor;
import io.starmap.hazelcast.ClusterSettings;
import io.starmap.hazelcast.WorkerMember;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * The {@code cluster} executor's cost per task: {@value #TASKS} trivial tasks through 2 worker
 * members in separate JVMs on loopback (1 thread each), with the request and the reply serialized,
 * signed and verified, the task run through the instrumentation on the member, and the reply
 * recorded by the starmap; side by side with the same starmap on {@code threads} with 2 threads.
 * {@code inFlight} is the starmap's back-pressure bound (tasks submitted at once). The score is
 * microseconds per task.
 *
 * <p>Run: {@code mvn -q -pl starmap-bench -am package -DskipTests && java -jar
 * starmap-bench/target/benchmarks.jar ClusterBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx1g"})
public class ClusterBenchmark {
  static final int TASKS = 2_000;
  static final int MEMBERS = 2;
  private static final String SECRET = "bench-" + UUID.randomUUID();

  /** The back-pressure bound: tasks submitted and not yet received. */
  @Param({"2", "16", "64"})
  public int inFlight;

  private final List<Process> members = new ArrayList<>();
  private ClusterExecutor cluster;
  private Starmap<Integer, Integer> onCluster;
  private Starmap<Integer, Integer> onThreads;
  private List<Integer> args;

  @Setup(Level.Trial)
  public void setUp() {
    String name = "starmap-bench-" + UUID.randomUUID();
    List<String> join = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      join.add("127.0.0.1:" + freePort());
    }
    for (String address : join) {
      members.add(startMember(name, address, join));
    }
    cluster = ClusterExecutor.connect(ClusterSettings.of(name, join, SECRET)
        .withMinMembers(MEMBERS).withWait(Duration.ofSeconds(120)));
    Task<Integer, Integer> trivial = (x, ctx) -> x + 1;
    onCluster = Starmap.builder("trivial", trivial).executor(cluster).maxInFlight(inFlight)
        .build();
    onThreads = Starmap.builder("trivial", trivial).executor("threads").workers(MEMBERS)
        .maxInFlight(inFlight).build();
    args = new ArrayList<>(TASKS);
    for (int i = 0; i < TASKS; i++) {
      args.add(i);
    }
  }

  private static Process startMember(String cluster, String address, List<String> join) {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dstarmap.worker=bench", "-Xmx512m"));
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        WorkerMember.class.getName(), "--cluster", cluster, "--bind", "127.0.0.1", "--port",
        address.substring(address.indexOf(':') + 1), "--join", String.join(",", join),
        "--threads", "1", "--exit-on-stdin-eof"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("STARMAP_CLUSTER_SECRET", SECRET);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a member JVM", e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    cluster.close();
    for (Process p : members) {
      p.destroy();
    }
    for (Process p : members) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Microseconds per trivial task on 2 cluster members. */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long cluster() {
    return onCluster.reduce(args, 0L, (acc, r) -> acc + r);
  }

  /** Microseconds per trivial task on 2 threads of this JVM. */
  @Benchmark
  @OperationsPerInvocation(TASKS)
  public long threads() {
    return onThreads.reduce(args, 0L, (acc, r) -> acc + r);
  }
}

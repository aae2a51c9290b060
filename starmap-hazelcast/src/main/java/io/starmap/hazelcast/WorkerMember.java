package io.starmap.hazelcast;

import com.hazelcast.cluster.Address;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.starmap.core.StarmapException;
import io.starmap.core.spi.TaskRunner;
import io.starmap.hazelcast.internal.Attributes;
import io.starmap.hazelcast.internal.ClusterCrypto;
import io.starmap.hazelcast.internal.HazelcastSetup;
import io.starmap.hazelcast.internal.MemberRuntime;
import io.starmap.hazelcast.internal.StarmapVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;

/**
 * A Hazelcast member that runs Starmap tasks: a worker of the {@code cluster} executor. It runs
 * the tasks of masters that hold the cluster's secret (a master uses a member only after it
 * proved the secret, and encrypts every call with keys derived from it), with the classes on its
 * own class path (no code is shipped): start it from the same jars as the application.
 *
 * <pre>{@code
 * try (WorkerMember member = WorkerMember.start(WorkerSettings.of("starmap", secret))) {
 *   member.awaitShutdown();
 * }
 * }</pre>
 */
public final class WorkerMember implements AutoCloseable {
  private final HazelcastInstance instance;
  private final String workerId;
  private final String address;
  private final CountDownLatch down = new CountDownLatch(1);

  private WorkerMember(HazelcastInstance instance, String workerId) {
    this.instance = instance;
    this.workerId = workerId;
    Address a = instance.getCluster().getLocalMember().getAddress();
    this.address = a.getHost() + ":" + a.getPort();
    instance.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
        down.countDown();
      }
    });
    if (!instance.getLifecycleService().isRunning()) {
      down.countDown();
    }
  }

  /**
   * Starts a member and joins the cluster.
   *
   * @param settings how to run the member; validated already by their constructor
   * @return the running member; close it to leave the cluster
   * @throws StarmapException when the member cannot start (port taken, bad interface)
   */
  public static WorkerMember start(WorkerSettings settings) {
    return start(settings, config -> { });
  }

  /**
   * Starts a member whose Hazelcast configuration {@code adjust} may change first (tests watch
   * the calls a genuine member receives with it).
   */
  static WorkerMember start(WorkerSettings settings,
      java.util.function.Consumer<com.hazelcast.config.Config> adjust) {
    HazelcastSetup.quietLogging(Level.WARNING);
    String version = StarmapVersion.current();
    String workerId = TaskRunner.processId();
    MemberRuntime runtime = new MemberRuntime(settings.secret(), settings.allow(), version,
        workerId, settings.threads());
    Map<String, String> attributes = Attributes.of(new ClusterCrypto(settings.secret()), version,
        new Attributes.Announced(workerId, settings.threads(),
            Runtime.getRuntime().availableProcessors()));
    String instanceName = "starmap-member-" + UUID.randomUUID();
    // Registered before the member starts: a master may call it as soon as it has joined.
    runtime.register(instanceName, settings.bind());
    HazelcastInstance hz;
    try {
      com.hazelcast.config.Config config = HazelcastSetup.member(instanceName,
          settings.cluster(), settings.bind(), settings.port(), settings.join(),
          settings.threads(), attributes);
      adjust.accept(config);
      hz = Hazelcast.newHazelcastInstance(config);
    } catch (RuntimeException e) {
      MemberRuntime.unregister(instanceName);
      throw new StarmapException("cannot start a worker member of cluster " + settings.cluster()
          + " on " + settings.bind() + (settings.port() > 0 ? ":" + settings.port() : "")
          + ": " + e.getMessage(), e);
    }
    WorkerMember member = new WorkerMember(hz, workerId);
    runtime.register(instanceName, member.address);
    hz.getLifecycleService().addLifecycleListener(e -> {
      if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
        MemberRuntime.unregister(instanceName);
      }
    });
    return member;
  }

  /**
   * The member's address, {@code host:port}.
   *
   * @return the address other members and masters reach this one at, {@code host:port}
   */
  public String address() {
    return address;
  }

  /**
   * The member's worker id, {@code host:pid}.
   *
   * @return the worker id that task records of this member carry, {@code host:pid}
   */
  public String workerId() {
    return workerId;
  }

  /**
   * The number of members in the cluster as this member sees it.
   *
   * @return the number of members, this one included; 1 or more
   */
  public int clusterSize() {
    return instance.getCluster().getMembers().size();
  }

  /**
   * Waits until the member shuts down (by {@link #close}, a signal or the cluster).
   *
   * @throws InterruptedException when the waiting thread is interrupted first; the member still
   *     runs
   */
  public void awaitShutdown() throws InterruptedException {
    down.await();
  }

  /** Leaves the cluster and stops. */
  @Override
  public void close() {
    instance.shutdown();
  }

  /**
   * Runs a member until it is stopped. Arguments: {@code --cluster NAME --bind ADDR --port P
   * --join HOST:PORT,... --threads N --allow PATTERN,... --secret-file FILE --exit-on-stdin-eof};
   * the secret comes from {@code --secret-file} or {@code STARMAP_CLUSTER_SECRET}. For scripts
   * and tests; people use {@code starmap worker}.
   *
   * @param args the arguments above; an unknown one or one without its value is refused
   * @throws Exception an {@link IllegalArgumentException} for a bad argument or setting, a
   *     {@link StarmapException} when the member cannot start or its secret file cannot be read, an
   *     {@link InterruptedException} when the main thread is interrupted while the member runs
   */
  public static void main(String[] args) throws Exception {
    String cluster = env("STARMAP_CLUSTER_NAME", ClusterSettings.DEFAULT_CLUSTER);
    String bind = "127.0.0.1";
    int port = 0;
    List<String> join = new ArrayList<>();
    int threads = Runtime.getRuntime().availableProcessors();
    List<String> allow = new ArrayList<>(ClusterSettings.split(env("STARMAP_CLUSTER_ALLOW", "")));
    String secret = System.getenv("STARMAP_CLUSTER_SECRET");
    boolean exitOnEof = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--cluster" -> cluster = value(args, ++i, a);
        case "--bind" -> bind = value(args, ++i, a);
        case "--port" -> port = Integer.parseInt(value(args, ++i, a));
        case "--join" -> join.addAll(ClusterSettings.split(value(args, ++i, a)));
        case "--threads" -> threads = Integer.parseInt(value(args, ++i, a));
        case "--allow" -> allow.addAll(ClusterSettings.split(value(args, ++i, a)));
        case "--secret-file" -> secret = readSecret(Path.of(value(args, ++i, a)));
        case "--exit-on-stdin-eof" -> exitOnEof = true;
        default -> throw new IllegalArgumentException("unknown argument '" + a + "'; known: "
            + "--cluster --bind --port --join --threads --allow --secret-file --exit-on-stdin-eof");
      }
    }
    WorkerMember member = start(new WorkerSettings(cluster, bind, port, join, secret, threads,
        allow));
    if (exitOnEof) {
      // The parent (a test, a launcher) holds our stdin: when it dies, so do we.
      Thread watchdog = new Thread(() -> {
        try {
          while (System.in.read() >= 0) {
            // ignore input
          }
        } catch (IOException e) {
          // treated as end of input
        }
        Runtime.getRuntime().halt(0);
      }, "starmap-stdin-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
    }
    member.awaitShutdown();
  }

  /**
   * Reads a secret file (its first line, trimmed).
   *
   * @param file the secret file, such as the one {@code starmap workers start} wrote
   * @return the secret: the file's first line without surrounding white space; may be empty, which
   *     the settings then refuse
   * @throws StarmapException naming the file when it cannot be read
   */
  public static String readSecret(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      int nl = text.indexOf('\n');
      return nl < 0 ? text : text.substring(0, nl).strip();
    } catch (IOException e) {
      throw new StarmapException("cannot read the cluster secret from " + file + ": " + e, e);
    }
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) {
      throw new IllegalArgumentException(name + " needs a value; arguments were "
          + Arrays.toString(args));
    }
    return args[i];
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v.strip();
  }
}

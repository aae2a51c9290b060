package io.starmap.hazelcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Worker members in separate JVMs on loopback, for tests: a unique cluster name, free ports, the
 * test class path, and stdin held open so that a member dies with the test JVM.
 */
final class MemberProcesses implements AutoCloseable {
  static final String SECRET = "test-secret-" + UUID.randomUUID();

  final String cluster = "starmap-test-" + UUID.randomUUID();
  final List<Process> processes = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  private final Path logs;

  MemberProcesses() {
    try {
      logs = Files.createDirectories(Path.of("target", "member-logs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code n} members with {@code threads} threads each, the right secret and version. */
  MemberProcesses start(int n, int threads) {
    for (int i = 0; i < n; i++) {
      startOne(threads, SECRET, null);
    }
    return this;
  }

  /** Starts one member; {@code version} overrides its Starmap version when not null. */
  Process startOne(int threads, String secret, String version) {
    int port = freePort();
    List<String> join = new ArrayList<>();
    for (int p : ports) {
      join.add("127.0.0.1:" + p);
    }
    join.add("127.0.0.1:" + port);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Dstarmap.worker=test");
    cmd.add("-Xmx256m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    if (version != null) {
      cmd.add("-Dstarmap.cluster.version=" + version);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(WorkerMember.class.getName());
    cmd.addAll(List.of("--cluster", cluster, "--bind", "127.0.0.1", "--port",
        Integer.toString(port), "--join", String.join(",", join), "--threads",
        Integer.toString(threads), "--exit-on-stdin-eof"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(logs.resolve(cluster + "-" + port + ".log").toFile());
    pb.environment().put("STARMAP_CLUSTER_SECRET", secret);
    pb.environment().remove("STARMAP_CLUSTER_NAME");
    try {
      Process p = pb.start();
      processes.add(p);
      ports.add(port);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a member JVM", e);
    }
  }

  /** Settings for a master of this cluster. */
  ClusterSettings settings(int minMembers) {
    List<String> join = new ArrayList<>();
    for (int p : ports) {
      join.add("127.0.0.1:" + p);
    }
    return ClusterSettings.of(cluster, join, SECRET).withMinMembers(minMembers)
        .withWait(Duration.ofSeconds(60));
  }

  /** The same settings as executor options. */
  java.util.Map<String, String> options(int minMembers) {
    ClusterSettings s = settings(minMembers);
    return java.util.Map.of("cluster", s.cluster(), "join", String.join(",", s.join()),
        "secret", s.secret(), "minMembers", Integer.toString(minMembers), "waitSeconds", "60");
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

package io.starmap.hazelcast;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The record of the local worker members that {@code starmap workers start} runs in the
 * background: {@code $STARMAP_HOME/workers/cluster.properties} (cluster name and members to
 * join), {@code secret} (readable by its owner only) and one {@code member-<port>.properties}
 * per member (pid, port, log file). The {@code cluster} executor reads it when no option or
 * environment variable says where the cluster is.
 */
public final class LocalWorkers {
  private LocalWorkers() {}

  /**
   * The local cluster.
   *
   * @param name the cluster name
   * @param join the members' {@code host:port}
   * @param secret the shared secret
   */
  public record Cluster(String name, List<String> join, String secret) {
    @Override
    public String toString() {
      return "Cluster[name=" + name + ", join=" + join + ", secret=***]";
    }
  }

  /**
   * One local member.
   *
   * @param pid its process id
   * @param port its port
   * @param log its log file
   * @param startedMillis when it was started
   */
  public record Member(long pid, int port, Path log, long startedMillis) {
    /**
     * Whether its process still runs.
     *
     * @return true while the recorded pid is a live process that is not a zombie; false once it
     *     exited, even if the record remains
     */
    public boolean alive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid);
    }
  }

  /**
   * {@code $STARMAP_HOME/workers} (or {@code ~/.starmap/workers}); not created. The system
   * property {@code starmap.home} (set by tests and embedding programs) wins over {@code env}.
   *
   * @param env the environment to read {@code STARMAP_HOME} from, usually {@link System#getenv()}
   * @return the absolute, normalized path of the workers directory, which may not exist
   */
  public static Path directory(Map<String, String> env) {
    String home = System.getProperty("starmap.home");
    if (home == null || home.isBlank()) {
      home = env.get("STARMAP_HOME");
    }
    Path base = home != null && !home.isBlank() ? Path.of(home)
        : Path.of(System.getProperty("user.home"), ".starmap");
    return base.resolve("workers").toAbsolutePath().normalize();
  }

  /**
   * The recorded cluster, if {@code workers start} recorded one in {@code dir}.
   *
   * @param dir the workers directory, as {@link #directory} gives it
   * @return the recorded cluster, or empty when its properties file or its secret file is missing
   * @throws java.io.UncheckedIOException when a record exists but cannot be read
   */
  public static Optional<Cluster> readCluster(Path dir) {
    Path file = dir.resolve("cluster.properties");
    Path secret = dir.resolve("secret");
    if (!Files.isRegularFile(file) || !Files.isRegularFile(secret)) {
      return Optional.empty();
    }
    Properties p = load(file);
    return Optional.of(new Cluster(p.getProperty("cluster", ClusterSettings.DEFAULT_CLUSTER),
        ClusterSettings.split(p.getProperty("join", "")), WorkerMember.readSecret(secret)));
  }

  /**
   * Records {@code cluster} in {@code dir}; the secret file is readable by its owner only.
   *
   * @param dir the workers directory; created (owner-only) when missing
   * @param cluster the cluster to record, replacing a previous record
   * @throws java.io.UncheckedIOException naming {@code dir} when it cannot be written
   */
  public static void writeCluster(Path dir, Cluster cluster) {
    try {
      OwnerOnly.createDirectories(dir);
      OwnerOnly.writeString(dir.resolve("secret"), cluster.secret() + "\n");
      Properties p = new Properties();
      p.setProperty("cluster", cluster.name());
      p.setProperty("join", String.join(",", cluster.join()));
      store(p, dir.resolve("cluster.properties"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the local cluster in " + dir + ": " + e, e);
    }
  }

  /**
   * Records a started member.
   *
   * @param dir the workers directory; it must exist
   * @param m the member, recorded in {@code member-<port>.properties}, replacing one on that port
   * @throws java.io.UncheckedIOException when the record cannot be written
   */
  public static void writeMember(Path dir, Member m) {
    Properties p = new Properties();
    p.setProperty("pid", Long.toString(m.pid()));
    p.setProperty("port", Integer.toString(m.port()));
    p.setProperty("log", m.log().toString());
    p.setProperty("started", Long.toString(m.startedMillis()));
    store(p, dir.resolve("member-" + m.port() + ".properties"));
  }

  /**
   * The recorded members, by port.
   *
   * @param dir the workers directory; a missing directory has no members
   * @return the members, sorted by port; half-written records are skipped; a new mutable list
   * @throws java.io.UncheckedIOException naming {@code dir} when it cannot be listed
   */
  public static List<Member> members(Path dir) {
    List<Member> members = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return members;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "member-*.properties")) {
      for (Path f : files) {
        Properties p = load(f);
        try {
          members.add(new Member(Long.parseLong(p.getProperty("pid")),
              Integer.parseInt(p.getProperty("port")), Path.of(p.getProperty("log", "")),
              Long.parseLong(p.getProperty("started", "0"))));
        } catch (RuntimeException e) {
          // a half-written record of a member that failed to start: ignored
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the local members in " + dir + ": " + e, e);
    }
    members.sort(Comparator.comparingInt(Member::port));
    return members;
  }

  /**
   * Forgets a member.
   *
   * @param dir the workers directory
   * @param m the member whose record is deleted; no error when it has none
   * @throws java.io.UncheckedIOException naming the member's port when its record cannot be deleted
   */
  public static void removeMember(Path dir, Member m) {
    try {
      Files.deleteIfExists(dir.resolve("member-" + m.port() + ".properties"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the record of member " + m.port() + ": " + e,
          e);
    }
  }

  private static Properties load(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
    return p;
  }

  private static void store(Properties p, Path file) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp); // a new file, so that it is made 0600
      try (Writer w = new java.io.OutputStreamWriter(OwnerOnly.newOutputStream(tmp),
          StandardCharsets.UTF_8)) {
        p.store(w, "written by starmap workers start");
      }
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e, e);
    }
  }

  private static boolean zombie(long pid) {
    // A dead child that nobody reaped still answers isAlive; /proc tells the truth on Linux.
    Path status = Path.of("/proc", Long.toString(pid), "status");
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("State:")) {
          return line.contains("Z");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}

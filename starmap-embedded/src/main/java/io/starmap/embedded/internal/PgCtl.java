package io.starmap.embedded.internal;

import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.embedded.EmbeddedServer;
import io.starmap.embedded.EmbeddedServerException;
import io.starmap.embedded.EmbeddedServerException.Reason;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's programs ({@code initdb}, {@code pg_ctl}, {@code postgres --single}) on the
 * cluster of one state directory: as an unprivileged user in a user namespace when we are root,
 * with the user's own {@code PG*} variables removed, their output appended to {@code pg_ctl.log}.
 */
public final class PgCtl {
  /** How long a start may take before it is a failure. */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /**
   * The WAL writer's pace, added to every cluster's configuration: while there is WAL to write it
   * wakes every 10 ms instead of PostgreSQL's 200 ms, writes and flushes it. A bulk load's
   * backends then seldom find the WAL buffers full and write the WAL themselves, waiting for each
   * other's writes: in one measurement on a 2-core machine, two COPY streams of the talk's data
   * set took 2-7 % less time, Starmap's import and psql alike (docs/benchmarks.md). The
   * durability is the same (fsync and synchronous commit stay on); commits made with
   * synchronous_commit off reach the disk sooner, at the cost of more frequent WAL flushes while
   * there is WAL to write. After 50 rounds with nothing to write (half a second) the WAL writer
   * sleeps 250 ms a round (5 s at PostgreSQL's pace), until a commit wakes it.
   */
  private static final String WAL_WRITER_SETTING = """

      # Set by Starmap: the WAL writer's pace (PostgreSQL's default is 200ms), so that a bulk
      # load's backends seldom write WAL themselves. Same durability. Change the value here or
      # with ALTER SYSTEM; Starmap adds this block once and leaves it to you.
      wal_writer_delay = 10ms
      """;
  /** What says the block was added (kept when the user changes or removes the line). */
  private static final String WAL_WRITER_MARK = "# Set by Starmap: the WAL writer's pace";
  /** A line of the user's own: names are case-insensitive and the {@code =} is optional. */
  private static final java.util.regex.Pattern WAL_WRITER_LINE =
      java.util.regex.Pattern.compile("(?mi)^[ \\t]*wal_writer_delay\\b");

  private final Path dir;
  private final Path binariesCache;
  private final boolean durable;

  /**
   * The programs for the cluster in {@code dir/data}.
   *
   * @param dir the server's state directory
   * @param binariesCache where the binaries are extracted
   * @param durable false to turn fsync off (tests only)
   */
  public PgCtl(Path dir, Path binariesCache, boolean durable) {
    this.dir = dir;
    this.binariesCache = binariesCache;
    this.durable = durable;
  }

  /**
   * The cluster's data directory.
   *
   * @return {@code dir/data}
   */
  public Path data() {
    return dir.resolve("data");
  }

  /**
   * The server's own log.
   *
   * @return {@code dir/postgresql.log}
   */
  public Path serverLog() {
    return dir.resolve("postgresql.log");
  }

  private Path bin() {
    return PgBinaries.ensure(binariesCache).resolve("bin");
  }

  /**
   * Creates the cluster (with a new password, scram-sha-256 only, loopback only, no Unix socket)
   * in a temporary directory that is renamed into place, so a killed initdb leaves nothing half
   * made.
   *
   * @throws IOException when a file cannot be written
   */
  public void initdb() throws IOException {
    Path tmp = dir.resolve("data.initdb");
    PgBinaries.deleteTree(tmp);
    PgBinaries.deleteTree(data());
    EmbeddedAuth auth = new EmbeddedAuth(dir);
    Path pwFile = auth.pwFile(auth.newPassword());
    List<String> args = new ArrayList<>(List.of("-D", tmp.toString(), "-U", EmbeddedServer.USER,
        "--auth=scram-sha-256", "--pwfile=" + pwFile, "-E", "UTF8", "--locale=C",
        "--no-instructions"));
    // One syncfs instead of an fsync per file: the same durability, about half the time of initdb.
    args.add(durable ? "--sync-method=syncfs" : "--no-sync");
    try {
      run(bin().resolve("initdb"), args, "initdb", null);
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
    Files.writeString(tmp.resolve("postgresql.conf"), conf + WAL_WRITER_SETTING,
        StandardOpenOption.APPEND);
    Files.move(tmp, data(), StandardCopyOption.ATOMIC_MOVE);
    auth.commit();
  }

  /**
   * Runs {@code sql} (one statement a line) in single-user mode on the stopped cluster: nothing can
   * connect meanwhile. The SQL goes through a pipe, never on a command line or into a file.
   *
   * @param sql the statements
   * @throws EmbeddedServerException when a statement fails
   */
  public void singleUser(String sql) {
    Path log = dir.resolve("pg_ctl.log");
    long before = log.toFile().length();
    run(bin().resolve("postgres"), List.of("--single", "-D", data().toString(),
        EmbeddedServer.USER), "postgres --single", sql);
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
        throw new EmbeddedServerException(Reason.FAILED, "cannot set the password of the "
            + "embedded PostgreSQL in " + data() + ": " + line.strip() + " (see " + log + ")",
            null);
      }
    }
  }

  /**
   * Starts the server on {@code port} and waits until it accepts connections.
   *
   * @param port the port to listen on
   * @throws EmbeddedServerException when {@code pg_ctl start} fails
   */
  public void start(int port) {
    addWalWriterSetting();
    pgCtl("start", List.of("-l", serverLog().toString(),
        "-t", Long.toString(START_TIMEOUT.toSeconds()), "-o", "-p " + port));
  }

  /**
   * Adds the WAL writer's setting once to a cluster made before Starmap set it: not when the
   * configuration file holds Starmap's block (its line changed or removed is the user's choice),
   * nor when it sets the pace itself. Best effort: a file that cannot be read or written keeps
   * PostgreSQL's pace, said in {@code pg_ctl.log}, and the server starts as before.
   */
  private void addWalWriterSetting() {
    Path conf = data().resolve("postgresql.conf");
    try {
      // ISO-8859-1 reads any bytes: the marks looked for are ASCII
      String text = Files.readString(conf, StandardCharsets.ISO_8859_1);
      if (!text.contains(WAL_WRITER_MARK) && !WAL_WRITER_LINE.matcher(text).find()) {
        Files.writeString(conf, WAL_WRITER_SETTING, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      try {
        Files.writeString(dir.resolve("pg_ctl.log"), "starmap: the WAL writer's pace was not"
            + " added to " + conf + ": " + e + System.lineSeparator(), StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException ignored) {
        // only slower bulk loads
      }
    }
  }

  /**
   * Stops the server: fast (closing connections), and immediately if that failed and it still
   * runs.
   *
   * @throws IOException when {@code postmaster.pid} cannot be read
   */
  public void stop() throws IOException {
    try {
      pgCtl("stop", List.of("-m", "fast", "-t", "60"));
    } catch (EmbeddedServerException e) {
      if (Postmaster.running(Postmaster.of(data()))) {
        pgCtl("stop", List.of("-m", "immediate", "-t", "30"));
      }
    }
  }

  /**
   * Moves a server log over 16 MB aside ({@code postgresql.log.old}) before a start.
   *
   * @throws IOException when it cannot be moved
   */
  public void rotateLog() throws IOException {
    Path log = serverLog();
    if (Files.exists(log) && Files.size(log) > 16L << 20) {
      Files.move(log, dir.resolve("postgresql.log.old"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void pgCtl(String action, List<String> options) {
    List<String> args = new ArrayList<>(List.of(action, "-D", data().toString(), "-w"));
    args.addAll(options);
    run(bin().resolve("pg_ctl"), args, "pg_ctl " + action, null);
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
      awaitExit(p, what, log);
    } catch (IOException e) {
      throw new EmbeddedServerException(Reason.FAILED, "cannot run " + program + ": "
          + e.getMessage(), e);
    }
  }

  private static void awaitExit(Process p, String what, Path log) {
    long limit = START_TIMEOUT.toSeconds() + 30;
    try {
      if (!p.waitFor(limit, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new EmbeddedServerException(Reason.FAILED, what + " did not finish in " + limit
            + " s; see " + log, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedServerException(Reason.FAILED, what + " interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new EmbeddedServerException(Reason.FAILED, what + " failed (exit " + p.exitValue()
          + "): " + lastLine(log) + " (see " + log + ")", null);
    }
  }

  /**
   * The last line of a log that is not one of pg_ctl's own progress lines.
   *
   * @param log a log file
   * @return that line, or {@code (no output)}
   */
  public static String lastLine(Path log) {
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

  /**
   * The last line of a PostgreSQL log that says what went wrong, else its last line.
   *
   * @param log a log file
   * @return the last {@code FATAL:} or {@code PANIC:} message, else {@link #lastLine}
   */
  public static String lastProblem(Path log) {
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

  /** Whether PostgreSQL must be started in a user namespace because we are root. */
  public static final class Unshare {
    private static volatile Boolean needed;

    private Unshare() {}

    /**
     * Whether PostgreSQL runs under {@code unshare -U}.
     *
     * @return true when this process runs as root
     * @throws EmbeddedServerException when it runs as root and {@code unshare -U} does not work
     */
    public static boolean needed() {
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
        throw new EmbeddedServerException(Reason.CANNOT_RUN_AS_ROOT, "PostgreSQL refuses to run"
            + " as root, and 'unshare -U' (which would run it as an unprivileged user) does not"
            + " work here: run as another user", null);
      }
      return true;
    }

    /** Whether {@code command} runs and exits with 0 within ten seconds. */
    private static boolean works(String... command) {
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor(10, TimeUnit.SECONDS)) {
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
}

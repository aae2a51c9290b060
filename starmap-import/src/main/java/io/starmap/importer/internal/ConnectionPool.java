package io.starmap.importer.internal;

import io.starmap.importer.Connections;
import io.starmap.importer.PgTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections of one import run in this JVM, part of its {@link RunState}. Per worker: a task
 * borrows an idle connection or opens one, so there are never more connections than tasks running
 * at once (one per worker, kept across its tasks, whatever kind of thread runs them). Shared: one
 * connection that one task at a time holds, so COPYs are serialised on it. Worker processes keep
 * theirs until another run starts there or they exit.
 */
public final class ConnectionPool {
  /** After this many of a run's tasks fell back from binary to text, the others start as text. */
  static final int FALLBACKS_BEFORE_TEXT = 3;

  private final PgTarget target;
  private final Semaphore permits;
  private final AtomicInteger binaryFallbacks = new AtomicInteger();
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

  ConnectionPool(PgTarget target, Connections mode) {
    this.target = target;
    this.permits = mode == Connections.SHARED ? new Semaphore(1, true) : null;
  }

  /**
   * Whether a task of this run should still try binary COPY: input that the encoder keeps
   * refusing (a date style, an odd number format) would otherwise cost every task a failed
   * binary attempt before its text load.
   */
  boolean binaryWorthTrying() {
    return binaryFallbacks.get() < FALLBACKS_BEFORE_TEXT;
  }

  /** A task of this run fell back from binary to text. */
  void binaryFellBack() {
    binaryFallbacks.incrementAndGet();
  }

  /** Opens a connection configured for loading. */
  public static Connection open(PgTarget target) throws SQLException {
    Connection c = target.connect();
    try (Statement st = c.createStatement()) {
      st.execute("SET application_name = 'starmap import'"); // a pooler keeps it per client
    }
    untimed(c); // idle between tasks while standard input is slow to give the next piece
    c.setAutoCommit(false);
    return c;
  }

  /**
   * Turns off the session's {@code idle_session_timeout} where the server has it: an import's
   * connections may wait idle for long, and a role's or a database's timeout would close them
   * under it (the preparation's while it hashes files the ledger must be asked about, and then
   * through the whole load, see {@link Witness}; the workers' and the ledger's between the pieces
   * of a slow standard input). Best effort: a server that refuses keeps its timeout.
   *
   * @param c a connection just opened, in autocommit mode
   */
  public static void untimed(Connection c) {
    try (Statement st = c.createStatement()) {
      st.execute("SELECT pg_catalog.set_config('idle_session_timeout', '0', false)"
          + " WHERE pg_catalog.current_setting('idle_session_timeout', true) IS NOT NULL");
    } catch (SQLException e) {
      // a server compatible with PostgreSQL but without the setting, or refusing it
    }
  }

  /** A connection for one task; give it back with {@link #release}. */
  public Connection borrow() throws SQLException, InterruptedException {
    if (permits != null) {
      permits.acquire();
    }
    try {
      Connection c;
      while ((c = idle.pollFirst()) != null) {
        if (!c.isClosed()) {
          return c;
        }
      }
      return open(target);
    } catch (SQLException | RuntimeException e) {
      if (permits != null) {
        permits.release();
      }
      throw e;
    }
  }

  /** Returns a connection; one left in an unknown state is closed instead of reused. */
  public void release(Connection c, boolean reusable) {
    if (reusable) {
      idle.addFirst(c);
    } else {
      closeQuietly(c);
    }
    if (permits != null) {
      permits.release();
    }
  }

  /** Closes the idle connections (the run ended, or another one started in this JVM). */
  void closeIdle() {
    Connection c;
    while ((c = idle.pollFirst()) != null) {
      closeQuietly(c);
    }
  }

  /**
   * Closes {@code c}, if any, ignoring a failure: closing is best effort.
   *
   * @param c a connection, or null
   */
  public static void closeQuietly(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // closing is best effort
    }
  }
}

package io.starmap.importer.internal;

import io.starmap.importer.Connections;
import io.starmap.importer.PgTarget;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;

/**
 * The connections of one import run in this JVM. Per worker: a task borrows an idle connection or
 * opens one, so there are never more connections than tasks running at once (one per worker, kept
 * across its tasks, whatever kind of thread runs them). Shared: one connection that one task at a
 * time holds, so COPYs are serialised on it. Worker processes keep theirs until they exit.
 */
public final class ConnectionPool {
  private static final ConcurrentHashMap<String, ConnectionPool> POOLS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> POOLS.keySet().forEach(
        ConnectionPool::closeRun), "starmap-import-pool-close"));
  }

  /** After this many tasks of a run fell back from binary to text, its other tasks start as text. */
  static final int FALLBACKS_BEFORE_TEXT = 3;

  private final PgTarget target;
  private final Semaphore permits;
  private final java.util.concurrent.atomic.AtomicInteger binaryFallbacks =
      new java.util.concurrent.atomic.AtomicInteger();
  private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();

  private ConnectionPool(PgTarget target, Connections mode) {
    this.target = target;
    this.permits = mode == Connections.SHARED ? new Semaphore(1, true) : null;
  }

  /** The pool of run {@code runKey}, created on first use. */
  public static ConnectionPool of(String runKey, PgTarget target, Connections mode) {
    ConnectionPool p = POOLS.get(runKey);
    if (p != null) {
      return p;
    }
    // A worker process kept across runs never hears that a run ended: when a new run starts
    // here, the idle connections of earlier runs are closed (a run still going reopens its own).
    for (Map.Entry<String, ConnectionPool> e : POOLS.entrySet()) {
      Connection c;
      while ((c = e.getValue().idle.pollFirst()) != null) {
        closeQuietly(c);
      }
    }
    return POOLS.computeIfAbsent(runKey, k -> new ConnectionPool(target, mode));
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
      // Safe for exactly-once: a commit lost in a server crash loses its ledger row with it, so
      // the next run loads that piece again.
      st.execute("SET synchronous_commit = off");
      st.execute("SET application_name = 'starmap import'");
    }
    c.setAutoCommit(false);
    return c;
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

  /** Closes the idle connections of a run (the master calls it when the run ends). */
  public static void closeRun(String runKey) {
    ConnectionPool p = POOLS.remove(runKey);
    if (p != null) {
      Connection c;
      while ((c = p.idle.pollFirst()) != null) {
        closeQuietly(c);
      }
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException e) {
      // closing is best effort
    }
  }
}

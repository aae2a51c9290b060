package io.starmap.importer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connection that prepared an import, kept open through the load to confirm the run's commits
 * at its end ({@link DurableEnd}: a crash of the server breaks it, so it cannot confirm on a
 * server that restarted without them). It is idle all that time, and a connection idle for long
 * is closed by others: by the server's {@code idle_session_timeout} (a role's or a database's
 * setting, on PostgreSQL 14 and later) and by a NAT or a firewall that forgets quiet TCP
 * connections. Either would fail a good load with unconfirmed commits. So the session's own idle
 * timeout is turned off as soon as the connection opens ({@link ConnectionPool#untimed}), and once
 * the run is prepared a thread of the run sends the server an empty query every {@link
 * #KEEP_ALIVE}, until the confirmation.
 *
 * <p>A pooler in transaction mode (PgBouncer's {@code pool_mode = transaction}) gives each of a
 * client connection's transactions to any of its server connections, and opens new ones after the
 * server restarted: behind it, a crash would not break this connection. So the server session
 * that is to confirm is marked when the witness starts ({@link #MARK}, a random value), and the
 * confirmation checks the mark in its own transaction: another session, new or not, cannot
 * confirm.
 */
public final class Witness implements AutoCloseable {
  /**
   * The confirmation did not find the mark of the server session that the witness's connection
   * had before the load: it ran in another session (behind a pooler in transaction mode), or the
   * mark was reset, and a crash of the server meanwhile would not show.
   */
  public static final class OtherSession extends SQLException {
    private static final long serialVersionUID = 1L;

    OtherSession() {
      super("the confirmation did not find the mark (" + MARK + ") of the server session that"
          + " its connection had before the load");
    }
  }

  /** How often the idle connection is used: below the idle timeouts of common NATs (4-6 min). */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
  /** The setting of the server session that marks it as this witness's: a custom one. */
  static final String MARK = "starmap.witness";
  private final Connection connection;
  /** This witness's value of {@link #MARK} in its server session. */
  private final String mark = UUID.randomUUID().toString();
  /** Held by a keep-alive and by the confirmation, which must not interleave on the connection. */
  private final ReentrantLock using = new ReentrantLock();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread keeper;
  /** Why a keep-alive failed (the connection is then likely gone), or null. */
  private volatile SQLException keepAliveFailed;

  private Witness(Connection connection, Duration every) {
    this.connection = connection;
    this.keeper = Thread.ofPlatform().daemon().name("starmap-import-witness")
        .unstarted(() -> keepAlive(every));
  }

  /**
   * Keeps {@code connection} alive as the run's witness from now until {@link #close}, which
   * closes it: the preparation is over, and only this witness uses it from now on.
   *
   * @param connection the connection that prepared the run, before any task committed, in
   *     autocommit mode
   * @return the witness, which owns the connection from now on
   * @throws SQLException when the server session cannot be marked
   */
  public static Witness keep(Connection connection) throws SQLException {
    return keep(connection, KEEP_ALIVE);
  }

  /** {@link #keep(Connection)} with a keep-alive every {@code every}. */
  static Witness keep(Connection connection, Duration every) throws SQLException {
    Witness w = new Witness(connection, every);
    try (PreparedStatement st = connection.prepareStatement(
        "SELECT pg_catalog.set_config('" + MARK + "', ?, false)")) {
      st.setString(1, w.mark);
      st.execute();
    }
    w.keeper.start();
    return w;
  }

  private void keepAlive(Duration every) {
    try {
      while (!stop.await(every.toNanos(), TimeUnit.NANOSECONDS)) {
        if (!using.tryLock()) {
          return; // the confirmation has begun
        }
        try {
          if (stop.getCount() == 0) {
            return;
          }
          ping();
        } catch (SQLException e) {
          keepAliveFailed = e; // the confirmation fails on the broken connection, and says why
          return;
        } finally {
          using.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One round trip, an empty query: it resets the server's idle timer and a NAT's. Its timeout is
   * the confirmation's, not shorter: a stall that the confirmation would survive must not break
   * the connection (pgjdbc closes it when a read times out).
   */
  private void ping() throws SQLException {
    int networkTimeout = connection.getNetworkTimeout();
    connection.setNetworkTimeout(Runnable::run, DurableEnd.TIMEOUT_MS);
    try (Statement st = connection.createStatement()) {
      st.execute("");
    }
    connection.setNetworkTimeout(Runnable::run, networkTimeout); // not after a failure: it is gone
  }

  /**
   * Stops the keep-alive and confirms the run's commits: see {@link DurableEnd#confirm}.
   *
   * @param ledgerKey the table's key in the ledger, under which the waited-on row is inserted
   * @param anything whether the run committed or found anything to confirm
   * @param failure the run's failure, or null
   * @return why the server did not confirm, or null
   */
  public SQLException confirm(String ledgerKey, boolean anything, Throwable failure) {
    stop.countDown();
    using.lock(); // waits for a keep-alive under way
    try {
      SQLException why = DurableEnd.confirm(connection, mark, ledgerKey, anything,
          failure);
      SQLException earlier = keepAliveFailed;
      if (why != null && earlier != null) {
        why.addSuppressed(earlier);
      }
      return why;
    } finally {
      using.unlock();
    }
  }

  /**
   * Why the server did not confirm, to follow "did not confirm that they are durable" in a
   * message: the reason, and what to do before the advice to run the import again that follows.
   *
   * @param unconfirmed what {@link #confirm} returned
   * @return the reason and a first step, ending where that advice goes on
   */
  public static String why(Exception unconfirmed) {
    if (unconfirmed instanceof OtherSession) {
      return ": its confirmation did not find the mark of the server session that its connection"
          + " had before the load, so it ran in another session, as behind a pooler in"
          + " transaction mode, which gives a connection's transactions to any of its server"
          + " connections and opens new ones after a restart (or the mark was reset), and a crash"
          + " of the server meanwhile would not show; connect to the server directly, or through"
          + " a pooler in session mode, and ";
    }
    return " (" + unconfirmed.getMessage() + "): ";
  }

  /** Stops the keep-alive and closes the connection (a keep-alive under way then fails). */
  @Override
  public void close() {
    stop.countDown();
    ConnectionPool.closeQuietly(connection);
  }
}

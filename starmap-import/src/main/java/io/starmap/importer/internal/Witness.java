package io.starmap.importer.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
 * timeout is turned off, and a thread of the run asks the server whether the connection is alive
 * every {@link #KEEP_ALIVE}, until the confirmation.
 */
public final class Witness implements AutoCloseable {
  /** How often the idle connection is used: below the idle timeouts of common NATs (4-6 min). */
  static final Duration KEEP_ALIVE = Duration.ofSeconds(30);
  /** How long one keep-alive waits for the server, in seconds. */
  private static final int KEEP_ALIVE_TIMEOUT_S = 10;
  /** The first server version with {@code idle_session_timeout}. */
  private static final int IDLE_SESSION_TIMEOUT_SINCE = 14;

  private final Connection connection;
  /** Held by a keep-alive and by the confirmation, which must not interleave on the connection. */
  private final ReentrantLock using = new ReentrantLock();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread keeper;

  private Witness(Connection connection, Duration every) {
    this.connection = connection;
    this.keeper = Thread.ofPlatform().daemon().name("starmap-import-witness")
        .unstarted(() -> keepAlive(every));
  }

  /**
   * Keeps {@code connection} open and alive as the run's witness, from now until {@link #close}.
   *
   * @param connection the connection that prepared the run, before any task committed
   * @return the witness, which owns the connection from now on
   * @throws SQLException when the session's idle timeout cannot be turned off
   */
  public static Witness keep(Connection connection) throws SQLException {
    return keep(connection, KEEP_ALIVE);
  }

  /** {@link #keep(Connection)} with a keep-alive every {@code every}. */
  static Witness keep(Connection connection, Duration every) throws SQLException {
    if (connection.getMetaData().getDatabaseMajorVersion() >= IDLE_SESSION_TIMEOUT_SINCE) {
      try (Statement st = connection.createStatement()) {
        st.execute("SET idle_session_timeout = 0");
      }
    }
    Witness w = new Witness(connection, every);
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
          if (stop.getCount() == 0 || !connection.isValid(KEEP_ALIVE_TIMEOUT_S)) {
            return; // a broken connection fails the confirmation on its own
          }
        } catch (SQLException e) {
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
      return DurableEnd.confirm(connection, ledgerKey, anything, failure);
    } finally {
      using.unlock();
    }
  }

  /** Stops the keep-alive and closes the connection (a keep-alive under way then fails). */
  @Override
  public void close() {
    stop.countDown();
    ConnectionPool.closeQuietly(connection);
  }
}

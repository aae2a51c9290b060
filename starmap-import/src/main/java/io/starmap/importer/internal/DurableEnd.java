package io.starmap.importer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Waits until an import's commits are as durable as the server makes its own, before the import
 * reports them. The tasks commit with {@code synchronous_commit} off ({@link ConnectionPool#open}):
 * each would otherwise wait for the WAL written since the last flush, 2 % of the import's time
 * here. Until the server's WAL writer flushes them, those commits live in its memory only, and a
 * crash of the server loses them (with their ledger rows, so a re-run loads them again: never
 * twice, but the import would have reported rows that are gone).
 *
 * <p>The server writes its WAL in order, so one commit that waits for its own flush waits for
 * every commit before it. That commit is made with the server's own {@code synchronous_commit}
 * (the database's, the role's or the server's setting: with synchronous standbys it also waits for
 * them, and a server set to {@code off} is not asked for more than it promises its own clients);
 * it writes one WAL record, a logical decoding message, so that it has something to wait for.
 * Where that function is not allowed, the WAL flush position is awaited instead.
 */
final class DurableEnd {
  /** The prefix of the message, which logical decoding consumers see. */
  static final String PREFIX = "starmap import";
  /** The longest wait for the WAL writer (its longest round is 10 s). */
  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private DurableEnd() {}

  /**
   * Returns once every transaction committed on the server before the call is as durable as the
   * server's setting makes a commit.
   *
   * @param c a connection of the run, not in a transaction, not in auto-commit
   * @throws SQLException when the server cannot be asked or does not flush in time
   */
  static void await(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL synchronous_commit TO DEFAULT");
      st.execute("SELECT pg_catalog.pg_logical_emit_message(true, '" + PREFIX + "', '')");
      c.commit();
      return;
    } catch (SQLException e) {
      // 42501: not allowed (EXECUTE revoked from PUBLIC); 42883: no such function
      if (!"42501".equals(e.getSQLState()) && !"42883".equals(e.getSQLState())) {
        throw e;
      }
      c.rollback();
    }
    awaitFlush(c);
  }

  /** Waits until the WAL written so far is on disk, unless the server's commits do not wait. */
  private static void awaitFlush(Connection c) throws SQLException {
    String lsn;
    try (Statement st = c.createStatement();
         ResultSet r = st.executeQuery("SELECT reset_val <> 'off', pg_catalog"
             + ".pg_current_wal_insert_lsn()::text FROM pg_catalog.pg_settings"
             + " WHERE name = 'synchronous_commit'")) {
      r.next();
      if (!r.getBoolean(1)) {
        c.rollback();
        return;
      }
      lsn = r.getString(2);
    }
    long deadline = System.nanoTime() + WAIT_NANOS;
    try (PreparedStatement flushed = c.prepareStatement(
        "SELECT pg_catalog.pg_current_wal_flush_lsn() >= ?::pg_lsn")) {
      flushed.setString(1, lsn);
      for (long pause = 2; ; pause = Math.min(pause * 2, 50)) {
        try (ResultSet r = flushed.executeQuery()) {
          r.next();
          if (r.getBoolean(1)) {
            c.rollback();
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new SQLException("the server's WAL did not reach " + lsn + " on disk within "
              + TimeUnit.NANOSECONDS.toSeconds(WAIT_NANOS) + " s");
        }
        try {
          Thread.sleep(pause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SQLException("interrupted while waiting for the WAL to reach " + lsn
              + " on disk", e);
        }
      }
    }
  }
}

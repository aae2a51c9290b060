package io.starmap.importer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Waits until an import's commits are as durable as the server makes its own, before the import
 * reports them. The tasks commit with {@code synchronous_commit} off ({@link TaskLoad#load}):
 * a commit that waits for its flush waits for all the WAL written since the last one, which cost
 * 2 % of the import's wall time (docs/benchmarks.md). Until the server's WAL writer flushes them,
 * those commits are in its memory only, and a crash of the server loses them (with their ledger
 * rows, so a re-run loads them again: never twice, but the import would have reported rows that
 * are gone).
 *
 * <p>The server writes its WAL in order, so one commit that waits for its own flush waits for
 * every commit before it. That commit is made with the server's own {@code synchronous_commit}
 * (the server's, database's or role's setting: with synchronous standbys it waits for them too,
 * and a server set to {@code off} is not asked for more than it promises its other clients). To
 * have something to wait for it must write WAL under a transaction id: it inserts a row into the
 * ledger, which every import may, and rolls that insert back to a savepoint, so the row is never
 * seen; the transaction commits with its id and its WAL, and waits.
 *
 * <p>It must run on a connection opened before the first task committed: a crash of the server
 * breaks every connection, so that one fails instead of confirming on a server that restarted
 * without the commits. And in the server session that connection had then, which {@link Witness}
 * marked: a pooler in transaction mode would run the confirmation in another, which a crash does
 * not break.
 */
final class DurableEnd {
  /**
   * How long the server may take to answer each of the confirmation's statements (a synchronous
   * standby may be slow or gone).
   */
  static final int TIMEOUT_MS = (int) TimeUnit.SECONDS.toMillis(60);
  /** The SQLSTATE of a notice that is not a warning. */
  private static final String SUCCESS = "00000";
  /** How long the server may take after a run that failed anyway. */
  static final int AFTER_FAILURE_TIMEOUT_MS = (int) TimeUnit.SECONDS.toMillis(5);

  private DurableEnd() {}

  /**
   * Returns once every transaction committed on the server before the call is as durable as the
   * server's setting makes a commit.
   *
   * @param c a connection opened before the commits to confirm; left as it was found
   * @param mark the value of {@link Witness#MARK} in the server session of {@code c} before the
   *     commits
   * @param ledgerKey the table's key in the ledger, under which the waited-on row is inserted
   * @param timeoutMs how long to wait for each of the server's answers
   * @throws SQLException when the server cannot be asked, fails or does not answer in time
   */
  static void await(Connection c, String mark, String ledgerKey, int timeoutMs)
      throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    int networkTimeout = c.getNetworkTimeout();
    c.setNetworkTimeout(Runnable::run, timeoutMs);
    SQLException failed = null;
    try {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCAL synchronous_commit TO DEFAULT");
        sameSessionOrFail(st, mark); // in the transaction that commits: a pooler cannot split them
        st.execute("SAVEPOINT starmap_durable_end");
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + Ledger.TABLE
            + " (table_name, file_hash, file_name, file_size, start_offset, end_offset,"
            + " rows_read, rows_rejected) VALUES (?, ?, '', 0, 0, 0, 0, 0) RETURNING 1")) {
          insert.setString(1, ledgerKey);
          insert.setString(2, "durable end " + UUID.randomUUID());
          try (ResultSet r = insert.executeQuery()) {
            writtenOrFail(r.next() && written(st), ledgerKey);
          }
        }
        st.execute("ROLLBACK TO SAVEPOINT starmap_durable_end");
        st.clearWarnings();
        st.execute("COMMIT");
        unwarnedOrFail(st.getWarnings());
      }
    } catch (SQLException e) {
      failed = e;
      try {
        c.rollback();
      } catch (SQLException again) {
        e.addSuppressed(again);
      }
      throw e;
    } finally {
      // after a broken connection these throw too: the first failure is the one to tell
      try {
        c.setAutoCommit(autoCommit);
        c.setNetworkTimeout(Runnable::run, networkTimeout);
      } catch (SQLException e) {
        if (failed == null) {
          throw e;
        }
        failed.addSuppressed(e);
      }
    }
  }

  /** Whether the transaction has an id (the insert wrote WAL, which its commit waits for). */
  private static boolean written(Statement st) throws SQLException {
    try (ResultSet r = st.executeQuery(
        "SELECT pg_catalog.txid_current_if_assigned() IS NOT NULL")) {
      return r.next() && r.getBoolean(1);
    }
  }

  /**
   * The server session has the mark it had before the commits: it is the same session, so no
   * crash came between (a crash ends every session). Another one has no mark, or another's; a
   * pooler that resets its server connections' settings after each transaction takes the mark too.
   */
  private static void sameSessionOrFail(Statement st, String mark) throws SQLException {
    String found;
    try (ResultSet r = st.executeQuery(
        "SELECT pg_catalog.current_setting('" + Witness.MARK + "', true)")) {
      found = r.next() ? r.getString(1) : null;
    }
    if (!mark.equals(found)) {
      throw new Witness.OtherSession();
    }
  }

  /**
   * A commit whose wait was cancelled ({@code pg_cancel_backend}, a client's cancel request) is
   * made without the wait, and the server only warns: a warning at the commit leaves it
   * unconfirmed. Notices below a warning (a role's {@code client_min_messages} at {@code debug5}
   * sends some at every commit) come with the SQLSTATE of success, and are no reason.
   */
  private static void unwarnedOrFail(SQLWarning warnings) throws SQLException {
    for (SQLWarning w = warnings; w != null; w = w.getNextWarning()) {
      if (!SUCCESS.equals(w.getSQLState())) {
        throw new SQLException("the server warned at the commit that was to wait for the"
            + " others: " + w.getMessage(), w.getSQLState(), w);
      }
    }
  }

  /** A trigger or a rule that swallowed the insert leaves nothing for the commit to wait on. */
  private static void writtenOrFail(boolean written, String ledgerKey) throws SQLException {
    if (!written) {
      throw new SQLException("an insert into " + Ledger.TABLE + " for " + ledgerKey
          + " wrote nothing (a trigger or a rule on it?), so no commit can be waited for");
    }
  }

  /**
   * Confirms a run's commits before it reports them, on {@code witness}: with {@link #TIMEOUT_MS}
   * after a run that succeeded; after a failure (whose report counts the commits too) only
   * briefly, and not when the failure says the connection is gone.
   *
   * @param witness the run's connection opened before its first task committed
   * @param mark the value of {@link Witness#MARK} in the witness's server session
   * @param ledgerKey the table's key in the ledger, under which the waited-on row is inserted
   * @param anything whether the run committed or found anything to confirm
   * @param failure the run's failure, or null
   * @return why the server did not confirm, or null
   */
  static SQLException confirm(Connection witness, String mark, String ledgerKey,
      boolean anything, Throwable failure) {
    if (!anything || failure != null && connectionLost(failure)) {
      return null;
    }
    try {
      await(witness, mark, ledgerKey, failure == null ? TIMEOUT_MS : AFTER_FAILURE_TIMEOUT_MS);
      return null;
    } catch (SQLException e) {
      return e;
    }
  }

  /** Whether {@code t} (or a cause) says that the connection to the server is gone. */
  static boolean connectionLost(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException s && s.getSQLState() != null
          && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
        return true;
      }
    }
    return false;
  }
}

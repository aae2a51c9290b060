package io.starmap.importer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Empties a table and forgets what the ledger holds for it, in one transaction: a crash before
 * the commit changes nothing, and after it the ledger holds no row for rows the table lost.
 */
public final class Truncation {
  private Truncation() {}

  /**
   * Truncates {@code table} and deletes its ledger rows, then commits.
   *
   * <p>The {@code TRUNCATE} comes first: its lock waits until the transactions writing the
   * table (another import's tasks) have committed, and keeps new ones out until this one
   * commits. The {@code DELETE} then runs with a snapshot of its own (READ COMMITTED), taken
   * after the lock: it sees the ledger rows of every task whose rows the truncate removed.
   * Deleting first would miss the ledger rows of tasks that commit while the truncate waits.
   *
   * @param c a connection of the import's prepare stage; its auto-commit is put back
   * @param table the quoted table
   * @param ledgerKey the table's key in the ledger
   * @return the ledger rows forgotten
   * @throws SQLException the server's refusal; nothing is changed then
   */
  public static long run(Connection c, String table, String ledgerKey) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      try (Statement st = c.createStatement()) {
        st.execute("TRUNCATE TABLE " + table);
      }
      long forgotten;
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM " + Ledger.TABLE + " WHERE table_name = ?")) {
        ps.setString(1, ledgerKey);
        forgotten = ps.executeUpdate();
      }
      c.commit();
      return forgotten;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /**
   * The rows a table holds now, for what a dry run says it would truncate.
   *
   * @param c a connection
   * @param table the quoted table
   * @return the number of rows
   * @throws SQLException when the server cannot count them
   */
  public static long rows(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement();
         var rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

package io.starmap.importer.internal;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The ledger table {@code starmap_ledger} in the target database: one row per loaded piece,
 * written in the same transaction as the piece's COPY, so a row exists exactly when the piece's
 * rows are committed. The key is the file's content (SHA-256), not its name or time: a renamed or
 * copied file is the same data, an edited one is new data.
 */
public final class Ledger {
  private Ledger() {}

  /** The ledger table's name. */
  public static final String TABLE = "starmap_ledger";

  /**
   * A loaded range of a file.
   *
   * @param start first byte
   * @param end the byte after the last
   * @param rowsRead records read from it
   * @param rowsRejected records rejected
   */
  public record Range(long start, long end, long rowsRead, long rowsRejected) {}

  /** A row to write. */
  public record Entry(String hash, String file, long size, long start, long end, long rowsRead,
      long rowsRejected) implements Serializable {}

  /** Creates the ledger table when missing. */
  public static void ensure(Connection c) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(true);
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (table_name text NOT NULL,"
          + " file_hash text NOT NULL, file_name text NOT NULL, file_size bigint NOT NULL,"
          + " start_offset bigint NOT NULL, end_offset bigint NOT NULL,"
          + " rows_read bigint NOT NULL, rows_rejected bigint NOT NULL, calc_id bigint,"
          + " loaded_at timestamptz NOT NULL DEFAULT now(),"
          + " PRIMARY KEY (table_name, file_hash, start_offset))");
    } catch (SQLException e) {
      // Imports creating it at once (IF NOT EXISTS does not guard against that): the loser fails
      // on a duplicate, of a catalog's key, of the table's name or of its row type's ("type
      // starmap_ledger already exists", 42710), by server version and timing; the winner's table
      // is then there. A type of that name made by someone else leaves no table: that error stays.
      if (!Sql.CREATED_AT_ONCE.contains(e.getSQLState()) || Sql.tableInfo(c, TABLE) == null) {
        throw e;
      }
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /** True when the ledger has any row for {@code table}. */
  public static boolean hasRows(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT 1 FROM " + TABLE + " WHERE table_name = ? LIMIT 1")) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The loaded ranges of each of {@code hashes} for {@code table}, sorted by start. */
  public static Map<String, List<Range>> loaded(Connection c, String table,
      Collection<String> hashes) throws SQLException {
    Map<String, List<Range>> out = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT file_hash, start_offset, end_offset, rows_read, rows_rejected FROM " + TABLE
            + " WHERE table_name = ? AND file_hash = ANY (?) ORDER BY file_hash, start_offset")) {
      ps.setString(1, table);
      ps.setArray(2, c.createArrayOf("text", hashes.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(
              new Range(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
        }
      }
    }
    return out;
  }

  /**
   * A version of an input file, by name, that the ledger holds only some pieces of.
   *
   * @param file the file's name, as the import that loaded it was given it
   * @param size that version's size in bytes
   * @param pieces its pieces loaded
   * @param bytes the bytes of those pieces
   * @param rows the rows they loaded
   * @param calcId the calculation that loaded the last of them, or -1
   */
  public record PartialVersion(String file, long size, long pieces, long bytes, long rows,
      long calcId) {}

  /**
   * The versions of the files named in {@code hashByName} that the ledger holds only in part
   * and whose content is not the file's now: what an import that failed loaded of a file that
   * was edited afterwards (to fix its bad row). Loading the new version whole would load those
   * rows a second time.
   */
  public static List<PartialVersion> partialOtherVersions(Connection c, String table,
      Map<String, String> hashByName) throws SQLException {
    List<PartialVersion> out = new ArrayList<>();
    if (hashByName.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT file_name, file_hash, max(file_size), count(*), sum(end_offset - start_offset),"
            + " sum(rows_read - rows_rejected), coalesce(max(calc_id), -1) FROM " + TABLE
            + " WHERE table_name = ? AND file_name = ANY (?) GROUP BY file_name, file_hash"
            + " HAVING sum(end_offset - start_offset) < max(file_size) ORDER BY file_name")) {
      ps.setString(1, table);
      ps.setArray(2, c.createArrayOf("text", hashByName.keySet().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!rs.getString(2).equals(hashByName.get(rs.getString(1)))) {
            out.add(new PartialVersion(rs.getString(1), rs.getLong(3), rs.getLong(4),
                rs.getLong(5), rs.getLong(6), rs.getLong(7)));
          }
        }
      }
    }
    return out;
  }

  /** Forgets the loaded ranges of {@code hashes} (a forced reload). */
  public static void forget(Connection c, String table, Collection<String> hashes)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM " + TABLE + " WHERE table_name = ? AND file_hash = ANY (?)")) {
      ps.setString(1, table);
      ps.setArray(2, c.createArrayOf("text", hashes.toArray()));
      ps.executeUpdate();
    }
  }

  /** Above this many entries (a task of many tiny files) the rows go through COPY. */
  static final int STAGE_ABOVE = 32;

  private static final String COLUMNS = "table_name, file_hash, file_name, file_size,"
      + " start_offset, end_offset, rows_read, rows_rejected, calc_id";

  /**
   * Writes entries in the caller's transaction with one COPY straight into the ledger: the
   * cheapest way for the server (no conflict arbitration per row, no staging table), and the
   * usual case, where no key is taken. When one is (the same content in another file, or loaded
   * by a concurrent run), the primary key stops the COPY and the transaction is aborted. Entries
   * that share a key among themselves (copies of a file in one task) go the exact way at once.
   *
   * @return the indexes of entries whose key was taken already (nothing written for them), or
   *     null when a key was taken but which is not known: the caller must roll back and write
   *     the entries again with {@link #record}, which tells which ones
   */
  public static Set<Integer> recordFast(Connection c, String table, long calcId,
      List<Entry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return Set.of();
    }
    // in key order, the primary key's inserts walk its leaf pages in order instead of at random,
    // and entries sharing a key are neighbours
    List<Entry> inKeyOrder = new ArrayList<>(entries);
    inKeyOrder.sort(KEY_ORDER);
    for (int i = 1; i < inKeyOrder.size(); i++) {
      if (KEY_ORDER.compare(inKeyOrder.get(i - 1), inKeyOrder.get(i)) == 0) {
        return record(c, table, calcId, entries);
      }
    }
    CsvBytes csv = new CsvBytes(entries.size() * 200);
    byte[] tableField = quoted(table);
    byte[] calc = calcId >= 0 ? ascii(Long.toString(calcId)) : new byte[0];
    for (Entry e : inKeyOrder) {
      row(csv, tableField, e, calc);
    }
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
        "COPY " + TABLE + " (" + COLUMNS + ") FROM STDIN WITH (FORMAT csv)");
    try {
      in.writeToCopy(csv.buf, 0, csv.n);
      in.endCopy();
      return Set.of();
    } catch (SQLException e) {
      if (in.isActive()) {
        try {
          in.cancelCopy();
        } catch (SQLException ignored) {
          // the transaction is rolled back anyway
        }
      }
      if ("23505".equals(e.getSQLState())) {
        return null;
      }
      throw e;
    }
  }

  /**
   * One entry's CSV row. A method of its own: a task's loop over its thousands of tiny files runs
   * once per task and stays interpreted, a method called for each file is compiled.
   */
  private static void row(CsvBytes csv, byte[] tableField, Entry e, byte[] calc) {
    csv.raw(tableField).comma().ascii(e.hash()).comma().quoted(e.file()).comma()
        .number(e.size()).comma().number(e.start()).comma().number(e.end()).comma()
        .number(e.rowsRead()).comma().number(e.rowsRejected()).comma().raw(calc).newline();
  }

  /** The order of the ledger's key (besides the table): by hash, then by start offset. */
  private static final Comparator<Entry> KEY_ORDER = (a, b) -> {
    int byHash = a.hash().compareTo(b.hash());
    return byHash != 0 ? byHash : Long.compare(a.start(), b.start());
  };

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] quoted(String s) {
    return new CsvBytes(s.length() + 8).quoted(s).bytes();
  }

  /**
   * Many entries: COPY them into a temporary table, then one INSERT ... ON CONFLICT DO NOTHING
   * RETURNING tells which keys were free.
   */
  private static Set<Integer> recordStaged(Connection c, String table, long calcId,
      List<Entry> entries) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TEMP TABLE IF NOT EXISTS starmap_ledger_stage (ord int,"
          + " file_hash text, file_name text, file_size bigint, start_offset bigint,"
          + " end_offset bigint, rows_read bigint, rows_rejected bigint) ON COMMIT DELETE ROWS");
    }
    CsvBytes csv = new CsvBytes(entries.size() * 180);
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      csv.number(i).comma().ascii(e.hash()).comma().quoted(e.file()).comma().number(e.size())
          .comma().number(e.start()).comma().number(e.end()).comma().number(e.rowsRead())
          .comma().number(e.rowsRejected()).newline();
    }
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
        "COPY starmap_ledger_stage FROM STDIN WITH (FORMAT csv)");
    try {
      in.writeToCopy(csv.buf, 0, csv.n);
      in.endCopy();
    } catch (SQLException e) {
      if (in.isActive()) {
        try {
          in.cancelCopy();
        } catch (SQLException ignored) {
          // the transaction is rolled back anyway
        }
      }
      throw e;
    }
    Map<String, Integer> inserted = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
        + " (table_name, file_hash, file_name, file_size, start_offset, end_offset, rows_read,"
        + " rows_rejected, calc_id) SELECT ?, file_hash, file_name, file_size, start_offset,"
        + " end_offset, rows_read, rows_rejected, ? FROM starmap_ledger_stage ORDER BY ord"
        + " ON CONFLICT DO NOTHING RETURNING file_hash, start_offset")) {
      ps.setString(1, table);
      if (calcId >= 0) {
        ps.setLong(2, calcId);
      } else {
        ps.setNull(2, Types.BIGINT);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          inserted.merge(rs.getString(1) + "@" + rs.getLong(2), 1, Integer::sum);
        }
      }
    }
    Set<Integer> taken = new TreeSet<>();
    for (int i = 0; i < entries.size(); i++) {
      String key = entries.get(i).hash() + "@" + entries.get(i).start();
      Integer left = inserted.get(key);
      if (left == null || left == 0) {
        taken.add(i);
      } else {
        inserted.put(key, left - 1);
      }
    }
    return taken;
  }

  /**
   * Writes entries in the caller's transaction.
   *
   * @return the indexes of entries whose key was taken already (nothing written for them)
   */
  public static Set<Integer> record(Connection c, String table, long calcId,
      List<Entry> entries) throws SQLException {
    Set<Integer> taken = new TreeSet<>();
    if (entries.isEmpty()) {
      return taken;
    }
    if (entries.size() > STAGE_ABOVE) {
      return recordStaged(c, table, calcId, entries);
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
        + " (table_name, file_hash, file_name, file_size, start_offset, end_offset, rows_read,"
        + " rows_rejected, calc_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (Entry e : entries) {
        ps.setString(1, table);
        ps.setString(2, e.hash());
        ps.setString(3, e.file());
        ps.setLong(4, e.size());
        ps.setLong(5, e.start());
        ps.setLong(6, e.end());
        ps.setLong(7, e.rowsRead());
        ps.setLong(8, e.rowsRejected());
        if (calcId >= 0) {
          ps.setLong(9, calcId);
        } else {
          ps.setNull(9, Types.BIGINT);
        }
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] == 0) {
          taken.add(i);
        }
      }
    }
    return taken;
  }
}

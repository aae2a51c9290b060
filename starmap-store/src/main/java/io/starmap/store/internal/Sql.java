package io.starmap.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One SQLite connection shared by the threads of a process, with the pragmas the store needs (WAL,
 * so that readers in other processes see live rows while a calculation writes; a busy timeout, so
 * that writers from several processes wait for each other instead of failing). Every statement
 * runs under the connection's lock.
 */
public final class Sql implements AutoCloseable {
  /** The schema version this code writes; older databases are upgraded, newer ones refused. */
  public static final int SCHEMA_VERSION = 1;

  private final Connection conn;
  private final String where;

  /** Maps one row of a result. */
  @FunctionalInterface
  public interface RowMapper<T> {
    /** The value of the current row. */
    T map(ResultSet rs) throws SQLException;
  }

  private Sql(Connection conn, String where) {
    this.conn = conn;
    this.where = where;
  }

  /** Opens (creating when missing) the database file {@code file} and brings its schema up. */
  public static Sql open(java.nio.file.Path file) {
    try {
      Connection c = connect(file);
      Sql sql = new Sql(c, file.toString());
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout = 15000");
        st.execute("PRAGMA journal_mode = WAL");
        st.execute("PRAGMA synchronous = NORMAL");
      }
      sql.migrate();
      return sql;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the calculation database " + file + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * A raw connection to the SQLite file {@code file}. The driver is called directly rather than
   * through DriverManager, which misses it under some class loaders (embedding applications,
   * the single-file source launcher).
   */
  public static Connection connect(java.nio.file.Path file) throws SQLException {
    QuietSlf4j.unlessAProviderIsPresent();
    java.nio.file.Path home = file.toAbsolutePath().getParent();
    if (home != null) {
      SqliteNative.prepare(home);
    }
    Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + file.toAbsolutePath(),
        new java.util.Properties());
    if (c == null) {
      throw new SQLException("the SQLite driver refused " + file);
    }
    return c;
  }

  /** The database's path, for messages. */
  public String where() {
    return where;
  }

  private void migrate() throws SQLException {
    synchronized (conn) {
      try (Statement st = conn.createStatement()) {
        st.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
        int version = 0;
        try (ResultSet rs = st.executeQuery(
            "SELECT value FROM meta WHERE key = 'schema_version'")) {
          if (rs.next()) {
            version = Integer.parseInt(rs.getString(1));
          }
        }
        if (version > SCHEMA_VERSION) {
          throw new SQLException(where + " has schema version " + version
              + ", newer than this starmap knows (" + SCHEMA_VERSION + "): use a newer starmap");
        }
        if (version < 1) {
          conn.setAutoCommit(false);
          try {
            for (String ddl : SCHEMA_1) {
              st.execute(ddl);
            }
            st.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '1')");
            conn.commit();
          } catch (SQLException e) {
            conn.rollback();
            throw e;
          } finally {
            conn.setAutoCommit(true);
          }
        }
      }
    }
  }

  /** The tables of schema version 1; every upgrade adds its own list. */
  static final String[] SCHEMA_1 = {
      """
      CREATE TABLE IF NOT EXISTS calc(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        description TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'created'
          CHECK (status IN ('created', 'executing', 'complete', 'failed', 'aborted')),
        user_name TEXT NOT NULL DEFAULT '',
        host TEXT NOT NULL DEFAULT '',
        pid INTEGER NOT NULL DEFAULT 0,
        executor TEXT NOT NULL DEFAULT '',
        workers INTEGER NOT NULL DEFAULT 0,
        parameters TEXT NOT NULL DEFAULT '',
        start_ms INTEGER NOT NULL,
        stop_ms INTEGER,
        datastore TEXT NOT NULL DEFAULT '',
        size_bytes INTEGER NOT NULL DEFAULT 0,
        peak_memory INTEGER NOT NULL DEFAULT 0,
        error TEXT)""",
      "CREATE INDEX IF NOT EXISTS calc_status ON calc(status)",
      """
      CREATE TABLE IF NOT EXISTS log(
        id INTEGER PRIMARY KEY,
        calc_id INTEGER NOT NULL,
        time_ms INTEGER NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL)""",
      "CREATE INDEX IF NOT EXISTS log_calc ON log(calc_id)",
      """
      CREATE TABLE IF NOT EXISTS run(
        calc_id INTEGER NOT NULL,
        run_no INTEGER NOT NULL,
        task_name TEXT NOT NULL,
        executor TEXT NOT NULL,
        workers INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        stop_ms INTEGER,
        submitted INTEGER NOT NULL DEFAULT 0,
        succeeded INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        cancelled INTEGER NOT NULL DEFAULT 0,
        bytes_sent INTEGER NOT NULL DEFAULT 0,
        bytes_received INTEGER NOT NULL DEFAULT 0,
        wall_ns INTEGER NOT NULL DEFAULT 0,
        peak_heap INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'executing',
        PRIMARY KEY (calc_id, run_no))""",
      """
      CREATE TABLE IF NOT EXISTS task(
        calc_id INTEGER NOT NULL,
        run_no INTEGER NOT NULL,
        task_no INTEGER NOT NULL,
        name TEXT NOT NULL,
        weight REAL NOT NULL,
        worker TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        wall_ns INTEGER NOT NULL,
        cpu_ns INTEGER NOT NULL,
        alloc INTEGER NOT NULL,
        sent INTEGER NOT NULL,
        received INTEGER NOT NULL,
        rss INTEGER NOT NULL,
        peak_rss INTEGER NOT NULL,
        heap INTEGER NOT NULL,
        status TEXT NOT NULL)""",
      "CREATE INDEX IF NOT EXISTS task_calc ON task(calc_id, run_no, task_no)",
      // Operations are aggregated per calculation, run and operation as tasks end: a handful of
      // rows per calculation however many tasks it runs; the per-task detail is in the HDF5 file.
      """
      CREATE TABLE IF NOT EXISTS performance(
        calc_id INTEGER NOT NULL,
        run_no INTEGER NOT NULL,
        operation TEXT NOT NULL,
        tasks INTEGER NOT NULL,
        calls INTEGER NOT NULL,
        wall_ns INTEGER NOT NULL,
        cpu_ns INTEGER NOT NULL,
        alloc INTEGER NOT NULL,
        count INTEGER NOT NULL,
        max_wall_ns INTEGER NOT NULL,
        PRIMARY KEY (calc_id, run_no, operation))"""
  };

  /** Runs an update and returns the rows changed. */
  public int update(String statement, Object... params) {
    synchronized (conn) {
      try (PreparedStatement ps = conn.prepareStatement(statement)) {
        bind(ps, params);
        return ps.executeUpdate();
      } catch (SQLException e) {
        throw failure(statement, e);
      }
    }
  }

  /** Runs an insert and returns the generated row id. */
  public long insert(String statement, Object... params) {
    synchronized (conn) {
      try (PreparedStatement ps = conn.prepareStatement(statement)) {
        bind(ps, params);
        ps.executeUpdate();
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
          rs.next();
          return rs.getLong(1);
        }
      } catch (SQLException e) {
        throw failure(statement, e);
      }
    }
  }

  /** Runs a query and maps every row. */
  public <T> List<T> query(String statement, RowMapper<T> mapper, Object... params) {
    synchronized (conn) {
      try (PreparedStatement ps = conn.prepareStatement(statement)) {
        bind(ps, params);
        List<T> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(mapper.map(rs));
          }
        }
        return out;
      } catch (SQLException e) {
        throw failure(statement, e);
      }
    }
  }

  /** Runs {@code work} in one transaction, with exclusive use of the connection. */
  public void transaction(Work work) {
    synchronized (conn) {
      try {
        conn.setAutoCommit(false);
        try {
          work.run(conn);
          conn.commit();
        } catch (SQLException | RuntimeException e) {
          conn.rollback();
          throw e;
        } finally {
          conn.setAutoCommit(true);
        }
      } catch (SQLException e) {
        throw new IllegalStateException("transaction on " + where + " failed: " + e.getMessage(),
            e);
      }
    }
  }

  /** Runs {@code work} with exclusive use of the connection, outside any transaction. */
  public void withConnection(Work work) {
    synchronized (conn) {
      try {
        work.run(conn);
      } catch (SQLException e) {
        throw new IllegalStateException("SQL on " + where + " failed: " + e.getMessage(), e);
      }
    }
  }

  /** Work done inside {@link #transaction}. */
  @FunctionalInterface
  public interface Work {
    /** Uses {@code c}; any exception rolls back. */
    void run(Connection c) throws SQLException;
  }

  /** Binds {@code params} to {@code ps} in order. */
  public static void bind(PreparedStatement ps, Object... params) throws SQLException {
    for (int i = 0; i < params.length; i++) {
      ps.setObject(i + 1, params[i]);
    }
  }

  private IllegalStateException failure(String statement, SQLException e) {
    String first = statement.strip().split("\\s+", 3).length > 1
        ? statement.strip().replaceAll("\\s+", " ") : statement;
    if (first.length() > 80) {
      first = first.substring(0, 77) + "...";
    }
    return new IllegalStateException("SQL on " + where + " failed (" + first + "): "
        + e.getMessage(), e);
  }

  @Override
  public void close() {
    synchronized (conn) {
      try {
        conn.close();
      } catch (SQLException e) {
        throw new IllegalStateException("cannot close " + where + ": " + e.getMessage(), e);
      }
    }
  }
}

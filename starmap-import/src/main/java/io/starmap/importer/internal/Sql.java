package io.starmap.importer.internal;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;
import org.postgresql.core.QueryExecutor;
import org.postgresql.jdbc.PreferQueryMode;

/** SQL text built from user input: identifiers are always quoted, literals always escaped. */
public final class Sql {
  private Sql() {}

  /** A table column: its name and its type as {@code format_type} shows it. */
  public record Column(String name, String type) implements Serializable {}

  /** Quotes an identifier: {@code a"b} becomes {@code "a""b"}. */
  public static String ident(String name) {
    if (name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("identifier contains NUL: '" + name + "'");
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /**
   * Quotes a string literal as an escape string ({@code E'a\\b''c'}), which means the same
   * whatever the session's {@code standard_conforming_strings}: a plain {@code 'a\b'} would lose
   * its backslash, or end early, when that setting is off. For text that cannot be a bind
   * parameter, such as COPY options.
   */
  public static String literal(String s) {
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("literal contains NUL");
    }
    return "E'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** The quoted, maybe schema-qualified name of {@code table} ({@code name} or {@code s.name}). */
  public static String qualified(String table) {
    int dot = table.indexOf('.');
    return dot < 0 ? ident(table)
        : ident(table.substring(0, dot)) + "." + ident(table.substring(dot + 1));
  }

  /**
   * {@code CREATE TABLE IF NOT EXISTS table (columns)}, with {@code columns} as a PostgreSQL user
   * writes them in psql (quoted identifiers, types, defaults, constraints, comments), checked by
   * the server, not by a pattern here.
   *
   * <p>Why this cannot run a second statement: pgjdbc splits text at each {@code ;} outside
   * quotes and comments and sends every piece as its own statement, even through a
   * PreparedStatement, so its own parser is asked first and anything it would split is refused.
   * What it does not split goes whole in one Parse message of the extended protocol, in which
   * the server refuses more than one command ({@code cannot insert multiple commands into a
   * prepared statement}); so where the two lexers might disagree, the server's view wins. The
   * statement runs with the rights of the connection's role, as it would in psql.
   *
   * <p>Another import may create the same table at the same moment: {@code IF NOT EXISTS} then
   * either skips (the other's table was committed first) or fails on a duplicate of the table's
   * name or row type; outside a transaction, the table found there after such a failure is taken.
   *
   * @return true when this call created the table; false when another made it meanwhile
   * @throws IllegalArgumentException when the definitions would make more than one statement
   * @throws SQLException the server's refusal (a syntax error, an unknown type, several commands)
   */
  public static boolean createTable(Connection c, String table, String columns)
      throws SQLException {
    if (columns.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("the column definitions contain NUL");
    }
    String sql = createStatement(table, columns);
    BaseConnection pg = c.unwrap(BaseConnection.class);
    List<NativeQuery> pieces = Parser.parseJdbcSql(sql, pg.getStandardConformingStrings(), false,
        true, false, false);
    if (pieces.size() != 1) {
      throw new IllegalArgumentException("a ';' outside quotes ends the CREATE TABLE statement"
          + " and starts another; only column definitions are allowed");
    }
    QueryExecutor qe = pg.getQueryExecutor();
    PreferQueryMode mode = qe.getPreferQueryMode();
    // the simple protocol (preferQueryMode=simple or extendedForPrepared in the URL) would let
    // the server run several commands from one text
    qe.setPreferQueryMode(PreferQueryMode.EXTENDED);
    try (Statement st = c.createStatement()) {
      st.setEscapeProcessing(false);
      st.execute(sql);
      // the NOTICE "relation ... already exists, skipping", among any others of the statement
      for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
        if (DUPLICATE_TABLE.equals(w.getSQLState())) {
          return false;
        }
      }
      return true;
    } catch (SQLException e) {
      if (!c.getAutoCommit() || !CREATED_AT_ONCE.contains(e.getSQLState())
          || tableInfo(c, table) == null) {
        throw e;
      }
      return false;
    } finally {
      qe.setPreferQueryMode(mode);
    }
  }

  private static final String DUPLICATE_TABLE = "42P07";

  /**
   * The SQL states of a creation that lost to a concurrent one: a catalog's unique key, the
   * table's name, its row type's name ("type ... already exists"), by server version and timing.
   */
  public static final Set<String> CREATED_AT_ONCE = Set.of("23505", DUPLICATE_TABLE, "42710");

  /**
   * The statement that {@link #createTable} runs, as a dry run shows it.
   *
   * @param table the table as given ({@code name} or {@code schema.name})
   * @param columns the column definitions
   * @return {@code CREATE TABLE IF NOT EXISTS "name" (columns)}
   */
  public static String createStatement(String table, String columns) {
    // the newline ends a trailing -- comment, so the closing parenthesis is always code
    return "CREATE TABLE IF NOT EXISTS " + qualified(table) + " (\n" + columns + "\n)";
  }

  /**
   * What an import needs to know about its table, in one round trip.
   *
   * @param name the canonical name ({@code schema.table})
   * @param ledgerKey how the ledger names the table: {@code schema.table#oid}; the OID changes
   *     when the table is dropped and created again (whose rows are then gone), not when it is
   *     vacuumed or altered
   * @param columns the columns, in order
   * @param ledgerExists whether the ledger table exists
   */
  public record TableInfo(String name, String ledgerKey, List<Column> columns,
      boolean ledgerExists) {}

  /** The table's name, ledger key and columns, and whether the ledger exists; null: no table. */
  public static TableInfo tableInfo(Connection c, String table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT n.nspname || '.' || cl.relname, cl.oid, a.attname,"
            + " format_type(a.atttypid, a.atttypmod), to_regclass('" + Ledger.TABLE + "') IS NOT"
            + " NULL FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace"
            + " LEFT JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0"
            + " AND NOT a.attisdropped WHERE cl.oid = to_regclass(?) ORDER BY a.attnum")) {
      ps.setString(1, qualified(table));
      try (ResultSet rs = ps.executeQuery()) {
        String name = null;
        long oid = 0;
        boolean ledger = false;
        List<Column> cols = new ArrayList<>();
        while (rs.next()) {
          name = rs.getString(1);
          oid = rs.getLong(2);
          ledger = rs.getBoolean(5);
          if (rs.getString(3) != null) {
            cols.add(new Column(rs.getString(3), rs.getString(4)));
          }
        }
        return name == null ? null : new TableInfo(name, name + "#" + oid, cols, ledger);
      }
    }
  }

  /**
   * The {@code COPY table (columns) FROM STDIN WITH options} statement: the one place that builds
   * it, for text and binary COPY.
   *
   * @param table the quoted table
   * @param columns the column names, quoted here
   * @param with the options in parentheses
   */
  public static String copy(String table, List<String> columns, String with) {
    StringBuilder sb = new StringBuilder("COPY ").append(table).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(ident(columns.get(i)));
    }
    return sb.append(") FROM STDIN WITH ").append(with).toString();
  }
}

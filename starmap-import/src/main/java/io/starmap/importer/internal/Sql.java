package io.starmap.importer.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** SQL text built from user input: identifiers are always quoted, literals always escaped. */
public final class Sql {
  private Sql() {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
  // A type with optional words (varying, precision, with time zone, not null, primary key),
  // one parenthesised size list and array brackets: enough for tables, no room for injection.
  private static final Pattern TYPE = Pattern.compile(
      "[A-Za-z][A-Za-z0-9_ ]*(\\(\\s*\\d+\\s*(,\\s*\\d+\\s*)?\\))?( *\\[\\])*[A-Za-z ]*");

  /** One column of {@code --create}. */
  public record ColumnDef(String name, String type) {}

  /** A table column: its name and its type as {@code format_type} shows it. */
  public record Column(String name, String type) implements java.io.Serializable {}

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

  /** The quoted, possibly schema-qualified name of {@code table} ({@code name} or {@code s.name}). */
  public static String qualified(String table) {
    int dot = table.indexOf('.');
    return dot < 0 ? ident(table) : ident(table.substring(0, dot)) + "." + ident(table.substring(dot + 1));
  }

  /**
   * Parses {@code "code text, date date, value numeric(10,2)"}: names must be plain identifiers,
   * types a conservative pattern (anything else is refused, so nothing is spliced into SQL).
   */
  public static List<ColumnDef> parseColumns(String spec) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : spec.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        items.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    items.add(cur.toString());
    List<ColumnDef> defs = new ArrayList<>();
    for (String item : items) {
      String s = item.strip();
      int sp = indexOfSpace(s);
      if (sp < 0) {
        throw new IllegalArgumentException("bad column definition '" + s
            + "' in --create: expected NAME TYPE, e.g. \"code text, date date\"");
      }
      String name = s.substring(0, sp);
      String type = s.substring(sp + 1).strip();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("bad column name '" + name
            + "' in --create: use letters, digits and _ (not starting with a digit)");
      }
      if (!TYPE.matcher(type).matches()) {
        throw new IllegalArgumentException("bad column type '" + type + "' for column " + name
            + " in --create");
      }
      defs.add(new ColumnDef(name, type));
    }
    return defs;
  }

  private static int indexOfSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** {@code CREATE TABLE IF NOT EXISTS} with the given columns. */
  public static void createTable(Connection c, String table, List<ColumnDef> defs)
      throws SQLException {
    StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(qualified(table))
        .append(" (");
    for (int i = 0; i < defs.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(ident(defs.get(i).name())).append(' ')
          .append(defs.get(i).type());
    }
    sb.append(')');
    try (Statement st = c.createStatement()) {
      st.execute(sb.toString());
    }
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
}

package io.starmap.importer;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The rules of {@link ImportOptions}, shared by its builder (which checks each value as it is
 * set) and its constructor (which checks them all again, for options made without the builder).
 */
final class OptionChecks {
  private OptionChecks() {}

  static void tableName(String table) {
    if (table == null || table.isBlank()) {
      throw new IllegalArgumentException("table name must not be blank: '" + table + "'");
    }
    String[] parts = table.split("\\.", -1);
    if (parts.length > 2) {
      throw new IllegalArgumentException("table must be NAME or SCHEMA.NAME, got '" + table + "'");
    }
    for (String p : parts) {
      // PostgreSQL silently cuts a longer name to 63 bytes: the rows would go to a table of
      // another name
      if (!identifier(p)) {
        throw new IllegalArgumentException("bad table name '" + table
            + "': each part must be 1 to 63 bytes (in UTF-8) without NUL");
      }
    }
  }

  static String path(String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("path must not be blank: '" + path + "'");
    }
    return path;
  }

  static String create(String columns) {
    if (columns != null && columns.isBlank()) {
      throw new IllegalArgumentException("the column definitions to create the table must not"
          + " be blank");
    }
    if (columns != null && columns.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("the column definitions contain NUL");
    }
    return columns;
  }

  static void columnType(String column, String sqlType) {
    if (column == null || !identifier(column)) {
      throw new IllegalArgumentException("bad column name '" + column + "' for a column type:"
          + " it must be 1 to 63 bytes (in UTF-8) without NUL");
    }
    if (sqlType == null || sqlType.isBlank() || sqlType.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("bad type '" + sqlType + "' for column " + column
          + ": it must not be blank or contain NUL");
    }
  }

  static List<String> columns(List<String> names) {
    List<String> copy = List.copyOf(Objects.requireNonNull(names, "columns"));
    Set<String> seen = new HashSet<>();
    for (String n : copy) {
      if (n.isEmpty()) {
        continue;
      }
      if (!identifier(n)) {
        throw new IllegalArgumentException("bad column name '" + n + "' in the column list: it"
            + " must be 1 to 63 bytes (in UTF-8) without NUL");
      }
      if (!seen.add(n)) {
        throw new IllegalArgumentException("column " + n + " is given twice in the column list "
            + copy);
      }
    }
    if (!copy.isEmpty() && seen.isEmpty()) {
      throw new IllegalArgumentException("the column list " + copy + " skips every field");
    }
    return copy;
  }

  static void tableSetup(String create, boolean createInferred, Map<String, String> columnTypes,
      List<String> columns) {
    if (create != null && createInferred) {
      throw new IllegalArgumentException("the table is created either from column definitions"
          + " or from inferred columns, not both");
    }
    if (!columnTypes.isEmpty() && !createInferred) {
      throw new IllegalArgumentException("column types " + columnTypes + " apply only to a table"
          + " created from inferred columns");
    }
    columnTypes.forEach(OptionChecks::columnType);
    columns(columns);
  }

  static char dialectChar(String what, char c) {
    if (c != ImportOptions.SNIFF && (c > 127 || c == '\n' || c == '\r')) {
      throw new IllegalArgumentException(what
          + " must be one ASCII character other than newline, got '" + c + "'");
    }
    return c;
  }

  static String nullString(String s) {
    Objects.requireNonNull(s, "null string");
    if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("null string must not contain a newline: '" + s + "'");
    }
    return s;
  }

  /** Checks the dialect's characters against each other; those left to sniff are checked later. */
  static void dialect(char delimiter, char quote, char escape, String nullString) {
    dialectChar("delimiter", delimiter);
    dialectChar("quote", quote);
    dialectChar("escape", escape);
    nullString(nullString);
    boolean bothSet = delimiter != ImportOptions.SNIFF && quote != ImportOptions.SNIFF;
    if (bothSet && delimiter == quote) {
      throw new IllegalArgumentException(
          "delimiter and quote must differ, both are '" + delimiter + "'");
    }
    if (delimiter == '"' && quote == ImportOptions.SNIFF) {
      // a quote left to sniff would have to be ' whatever the input says: more likely a slip
      throw new IllegalArgumentException("delimiter and quote must differ: the delimiter is"
          + " '\"', the usual quote; give the quote as well");
    }
    if (escape != ImportOptions.SNIFF && escape == delimiter) {
      throw new IllegalArgumentException(
          "escape and delimiter must differ, both are '" + delimiter + "'");
    }
    if ((delimiter != ImportOptions.SNIFF && nullString.indexOf(delimiter) >= 0)
        || (quote != ImportOptions.SNIFF && nullString.indexOf(quote) >= 0)) {
      throw new IllegalArgumentException("null string '" + nullString
          + "' must not contain the delimiter or the quote");
    }
  }

  /** A dialect character as messages show it. */
  static String show(char c) {
    return c == ImportOptions.SNIFF ? "auto" : c == '\t' ? "tab" : "'" + c + "'";
  }

  private static boolean identifier(String name) {
    return !name.isEmpty() && name.indexOf('\0') < 0
        && name.getBytes(StandardCharsets.UTF_8).length <= 63;
  }
}

package io.starmap.importer.internal;

import io.starmap.importer.Header;
import java.io.IOException;
import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Decides whether the files have a header when the options leave it to the importer: the first
 * record of the first non-empty file is a header when it names table columns, or when it has as
 * many fields as the table has columns and they do not parse as the columns' types.
 */
public final class HeaderDetection {
  private HeaderDetection() {}

  /**
   * Whether the files have a header.
   *
   * @param c a connection, to ask the server whether a field parses as its column's type
   * @param given what the options say
   * @param nullString the NULL marker (a NULL field parses as any type)
   * @param messages told of the decision and why
   */
  public static boolean resolve(Connection c, Header given, String nullString,
      List<InputFile> files, Dialect d, Charset cs, List<Sql.Column> cols,
      Consumer<String> messages) throws SQLException, IOException {
    if (given != Header.AUTO) {
      return given == Header.YES;
    }
    for (InputFile f : files) {
      if (f.size() == 0) {
        continue;
      }
      List<String> fields = Headers.firstRecord(f, d, cs);
      if (fields == null) {
        continue;
      }
      if (Headers.allNames(fields, cols)) {
        messages.accept("header: yes (the first record of " + f.name()
            + " names table columns)");
        return true;
      }
      if (fields.size() == cols.size() && !parsesAs(c, fields, cols, nullString)) {
        messages.accept("header: yes (the first record of " + f.name()
            + " does not parse as the column types)");
        return true;
      }
      messages.accept("header: no (the first record of " + f.name() + " is data)");
      return false;
    }
    return false;
  }

  private static boolean parsesAs(Connection c, List<String> fields, List<Sql.Column> cols,
      String nullString) throws SQLException {
    for (int i = 0; i < fields.size(); i++) {
      String v = fields.get(i);
      if (v.equals(nullString)) {
        continue;
      }
      // the type text comes from the catalog (format_type), not from the user
      try (PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS " + cols.get(i).type()
          + ")")) {
        ps.setString(1, v);
        ps.executeQuery().close();
      } catch (SQLException e) {
        if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
          return false;
        }
        throw e;
      }
    }
    return true;
  }
}

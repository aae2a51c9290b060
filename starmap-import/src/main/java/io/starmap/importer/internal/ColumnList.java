package io.starmap.importer.internal;

import io.starmap.importer.ImportException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * A column list (the table column of each field, in field order, {@code ""} for a field not
 * loaded) checked against the table: each name becomes the table's own spelling of the column,
 * matched as a header name is (exactly, else the one column that differs only in ASCII case).
 */
public final class ColumnList {
  private ColumnList() {}

  /**
   * The list with the table's names, or the empty list when none was given.
   *
   * @param given the options' column list; empty for none
   * @param table the table's columns
   * @param tableName the table's canonical name, for the error
   * @throws ImportException of kind {@link ImportException.Kind#COLUMN_LIST} naming the first
   *     name that is not a column of the table, and the table's columns
   */
  public static List<String> resolve(List<String> given, List<Sql.Column> table,
      String tableName) {
    List<String> out = new ArrayList<>();
    List<String> known = table.stream().map(Sql.Column::name).toList();
    for (String name : given) {
      if (name.isEmpty()) {
        out.add("");
        continue;
      }
      String match = known.contains(name) ? name : null;
      if (match == null) {
        List<String> ci = known.stream().filter(k -> Headers.sameIgnoringAsciiCase(k, name))
            .toList();
        match = ci.size() == 1 ? ci.get(0) : null;
      }
      if (match == null || out.contains(match)) {
        throw new ImportException(ImportException.Kind.COLUMN_LIST, "column \"" + name
            + "\" of the column list " + shown(given) + (match == null ? " is not a column of "
            + tableName + " (columns: " + String.join(", ", known) + ")"
            : " is the same column of " + tableName + " as another name of the list"), null);
      }
      out.add(match);
    }
    return List.copyOf(out);
  }

  /**
   * The column of each field, to decide whether a first record is a header: a skipped field is
   * read as text (anything parses as text).
   */
  public static List<Sql.Column> fieldColumns(List<String> fields, List<Sql.Column> table) {
    List<Sql.Column> out = new ArrayList<>();
    for (String f : fields) {
      out.add(f.isEmpty() ? new Sql.Column("", "text") : table.stream()
          .filter(c -> c.name().equals(f)).findFirst().orElseThrow());
    }
    return out;
  }

  /**
   * The header of the first file that has one, which every file must repeat under a column list.
   *
   * @param file the file it was read from
   * @param names its names
   */
  public record FirstHeader(String file, List<String> names) {}

  /** The header of the first non-empty file among {@code files}, or null when there is none. */
  public static FirstHeader firstHeader(List<InputFile> files, Dialect d, Charset cs)
      throws IOException {
    for (InputFile f : files) {
      List<String> names = f.size() == 0 ? null : Headers.firstRecord(f, d, cs);
      if (names != null) {
        return new FirstHeader(f.name(), names);
      }
    }
    return null;
  }

  /**
   * What the import says, once, about the header when the list maps the fields: the header of
   * the first file that has one, and where its fields go.
   */
  public static String headerMessage(List<String> fields, FirstHeader first) {
    return first == null ? headerMessage(fields, null, null)
        : headerMessage(fields, first.names(), first.file());
  }

  private static String headerMessage(List<String> fields, List<String> headerNames,
      String file) {
    StringBuilder sb = new StringBuilder("header: the first record of each file is skipped;"
        + " the column list maps the fields");
    if (headerNames != null) {
      sb.append(" (").append(file).append(':');
      for (int i = 0; i < headerNames.size() && i < Shown.MAX_VALUES; i++) {
        String to = i < fields.size() ? fields.get(i) : "?";
        sb.append(i > 0 ? ", " : " ").append(Shown.value(headerNames.get(i))).append(" -> ")
            .append(to.isEmpty() ? "skipped" : to);
      }
      if (headerNames.size() > Shown.MAX_VALUES) {
        sb.append(", ... (").append(headerNames.size()).append(" fields)");
      }
      sb.append(')');
    }
    return sb.toString();
  }

  /** The list as a user wrote it: {@code a,-,c}. */
  public static String shown(List<String> fields) {
    return String.join(",", fields.stream().map(f -> f.isEmpty() ? "-" : f).toList());
  }
}

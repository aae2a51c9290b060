package io.starmap.importer.internal;

import io.starmap.importer.BadInputException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/** Reading a file's first record and mapping header names to table columns. */
public final class Headers {
  private Headers() {}

  private static final int MAX = 1 << 20;

  /** The fields of the first record of a file (after a UTF-8 BOM), or null for an empty file. */
  public static List<String> firstRecord(InputFile f, Dialect d, Charset cs) throws IOException {
    Sample.Chunk head = Sample.head(f, MAX, d.utf8());
    byte[] b = head.bytes();
    int n = b.length;
    if (n == 0) {
      return null;
    }
    RecordScanner s = new RecordScanner(d);
    int end = s.nextRecordEnd(b, 0, n);
    if (end < 0) {
      if (!head.whole()) {
        throw new BadInputException(f.name(), 1, "first record longer than 1 MB");
      }
      end = n;
    }
    return d.fields(b, end, cs);
  }

  /**
   * Whether two names differ only in the case of ASCII letters, as PostgreSQL folds unquoted
   * names. Not {@link String#equalsIgnoreCase}: it also folds the Kelvin sign to {@code k} and the
   * long s to {@code s}, so a header of lookalikes would load into a column it does not name.
   */
  static boolean sameIgnoringAsciiCase(String a, String b) {
    if (a.length() != b.length()) {
      return false;
    }
    for (int i = 0; i < a.length(); i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y && (x >= 128 || y >= 128 || Character.toLowerCase(x) != Character.toLowerCase(y))) {
        return false;
      }
    }
    return true;
  }

  /** Maps header names to table columns: exact, else the one ASCII-case-insensitive match. */
  public static List<String> map(List<String> names, List<Sql.Column> table, String tableName,
      String file) {
    List<String> out = new ArrayList<>();
    List<String> known = table.stream().map(Sql.Column::name).toList();
    List<String> unique = null;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i).strip();
      String match = known.contains(name) && !out.contains(name) ? name : null;
      if (match == null) {
        // a blank or repeated name maps to the column a table created from this header has
        unique = unique != null ? unique : ColumnNames.of(names).names();
        match = known.contains(unique.get(i)) && !out.contains(unique.get(i)) ? unique.get(i)
            : null;
      }
      if (match == null && out.contains(name)) {
        throw new BadInputException(file, 1, "header names column \"" + Shown.value(name)
            + "\" twice");
      }
      if (match == null) {
        List<String> ci = known.stream().filter(k -> sameIgnoringAsciiCase(k, name)).toList();
        if (ci.size() == 1) {
          match = ci.get(0);
        }
      }
      if (match == null) {
        throw new BadInputException(file, 1, "header names column \"" + Shown.value(name)
            + "\", which " + tableName + " does not have (columns: " + String.join(", ", known)
            + ")");
      }
      if (out.contains(match)) {
        throw new BadInputException(file, 1, "header names column \"" + Shown.value(name)
            + "\" twice");
      }
      out.add(match);
    }
    return out;
  }

  /** True when every field names a column of the table (case-insensitively). */
  public static boolean allNames(List<String> fields, List<Sql.Column> table) {
    for (String f : fields) {
      if (table.stream().noneMatch(c -> sameIgnoringAsciiCase(c.name(), f.strip()))) {
        return false;
      }
    }
    return !fields.isEmpty();
  }
}

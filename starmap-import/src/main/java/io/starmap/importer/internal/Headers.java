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
    Piece whole = new Piece(f.name(), f.path().toString(), f.size(), "", 0, f.size(), 1, f.compression(),
        false, null);
    byte[] b = new byte[MAX];
    int n;
    try (PieceReader r = PieceReader.open(whole, 0, f.compressed() ? Long.MAX_VALUE : f.size(), null)) {
      n = r.fill(b, 0, b.length);
    }
    int off = 0;
    if (d.utf8() && n >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB
        && (b[2] & 0xff) == 0xBF) {
      off = 3;
    }
    if (n <= off) {
      return null;
    }
    RecordScanner s = new RecordScanner(d);
    int end = s.nextRecordEnd(b, off, n);
    if (end < 0) {
      if (n == b.length) {
        throw new BadInputException(f.name(), 1, "first record longer than 1 MB");
      }
      end = n;
    }
    byte[] rec = new byte[end - off];
    System.arraycopy(b, off, rec, 0, rec.length);
    return d.fields(rec, rec.length, cs);
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
    for (String raw : names) {
      String name = raw.strip();
      String match = known.contains(name) ? name : null;
      if (match == null) {
        List<String> ci = known.stream().filter(k -> sameIgnoringAsciiCase(k, name)).toList();
        if (ci.size() == 1) {
          match = ci.get(0);
        }
      }
      if (match == null) {
        throw new BadInputException(file, 1, "header names column \"" + name + "\", which "
            + tableName + " does not have (columns: " + String.join(", ", known) + ")");
      }
      if (out.contains(match)) {
        throw new BadInputException(file, 1, "header names column \"" + name + "\" twice");
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

package io.starmap.importer.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Column names from a header, as a table can have them: each name as given (without surrounding
 * blanks), a blank one {@code columnN} (N its 1-based position), a name given again {@code
 * name_2}, {@code name_3}..., a name longer than PostgreSQL's 63 bytes cut there (the server would
 * cut it silently). Header mapping and table creation use the same rule, so a header that names a
 * column twice still maps onto the table made from it.
 *
 * @param names the names, one per header field
 * @param changes one line per name that is not the header's, for the user
 */
public record ColumnNames(List<String> names, List<String> changes) {
  private static final int MAX_BYTES = 63;

  /** The names for a header's fields. */
  public static ColumnNames of(List<String> header) {
    List<String> out = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    for (int i = 0; i < header.size(); i++) {
      String given = header.get(i).strip();
      String name = given.isEmpty() ? "column" + (i + 1) : cut(given, MAX_BYTES);
      for (int k = 2; !taken.add(name); k++) {
        String suffix = "_" + k;
        name = cut(given.isEmpty() ? "column" + (i + 1) : given,
            MAX_BYTES - suffix.length()) + suffix;
      }
      if (!name.equals(given)) {
        changes.add("field " + (i + 1) + " " + (given.isEmpty() ? "has no name"
            : "\"" + Shown.value(given) + "\""
                + (given.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES
                ? " is longer than 63 bytes" : " is named twice")) + ": column \"" + name + "\"");
      }
      out.add(name);
    }
    return new ColumnNames(List.copyOf(out), List.copyOf(changes));
  }

  /** {@code column1..columnN}, for input without a header. */
  public static List<String> numbered(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add("column" + i);
    }
    return out;
  }

  /** The longest prefix of {@code s} of at most {@code maxBytes} bytes in UTF-8. */
  private static String cut(String s, int maxBytes) {
    if (s.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
      return s;
    }
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + len > maxBytes) {
        break;
      }
      bytes += len;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }
}

package io.starmap.importer.internal;

import io.starmap.importer.Header;
import io.starmap.importer.ImportException;
import io.starmap.importer.internal.TypeInference.Type;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The table a sample of the input asks for: its column names (the header's, or {@code
 * column1..N}), each column's type (the {@link TypeInference#join join} of its sampled values'
 * types, or the caller's override), and whether the files have a header.
 *
 * <p>With the header left to decide, the first sampled record is a header when it has as many
 * fields as most records and none of them is the NULL marker or a value of a type other than text
 * (a number, a date, a boolean, a UUID): names, not values (some may be blank). So a file whose
 * columns are all text is taken to have a header; the caller can say otherwise.
 *
 * @param names the column names, in field order
 * @param inferred the inferred type of each column ({@link Type#NONE} for a column of NULLs)
 * @param types the SQL type each column is created with: the override, else the inferred type
 * @param header whether the files have a header
 * @param records the data records sampled (header records not counted)
 * @param messages what was decided and why, one line each, for the user
 */
public record InferredSchema(List<String> names, List<Type> inferred, List<String> types,
    boolean header, long records, List<String> messages) {

  /**
   * The most records typed from one file of the sample: 8 files of them are 32,768 records, more
   * than the 20,480 rows DuckDB samples by default, and cost a few percent of a 125 MB import.
   */
  static final int MAX_RECORDS = 4_096;

  /**
   * Infers the table from {@code sample}, read in dialect {@code d}.
   *
   * @param header what the caller says of the header
   * @param overrides SQL types by column name, which win over the inferred ones
   * @throws ImportException when the sample holds no record, or an override names no column
   */
  public static InferredSchema infer(Sample sample, Dialect d, Charset cs, Header header,
      Map<String, String> overrides) {
    if (sample == null) {
      throw new ImportException("cannot infer the table's columns: the input is empty");
    }
    List<List<List<String>>> files = new ArrayList<>();
    for (Sample.Chunk c : sample.chunks()) {
      files.add(records(c, d, cs));
    }
    List<String> first = files.stream().filter(f -> !f.isEmpty()).map(f -> f.get(0)).findFirst()
        .orElseThrow(() -> new ImportException("cannot infer the table's columns: the sampled"
            + " files hold no record"));
    int columns = modalWidth(files, first.size());
    List<String> messages = new ArrayList<>();
    String firstFile = sample.chunks().get(files.indexOf(files.stream()
        .filter(f -> !f.isEmpty()).findFirst().orElseThrow())).file();
    boolean hasHeader = switch (header) {
      case YES -> true;
      case NO -> false;
      case AUTO -> decideHeader(first, columns, d.nullString(), firstFile, messages);
    };
    Type[] types = new Type[columns];
    Arrays.fill(types, Type.NONE);
    long records = 0;
    for (List<List<String>> f : files) {
      // every file starts with a header, not only the first one
      for (int r = hasHeader ? 1 : 0; r < f.size(); r++) {
        records += fold(types, f.get(r)) ? 1 : 0;
      }
    }
    List<String> names = names(hasHeader, first, columns, messages);
    List<String> sql = withOverrides(names, types, overrides);
    if (records == 0) {
      messages.add("types: the sample has no data records" + (hasHeader ? " below the header"
          : "") + "; every column is text");
    }
    return new InferredSchema(names, List.of(types), sql, hasHeader, records,
        List.copyOf(messages));
  }

  /** The column definitions: what follows {@code CREATE TABLE name (}. */
  public String columnDefinitions() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(Sql.ident(names.get(i))).append(' ')
          .append(types.get(i));
    }
    return sb.toString();
  }

  /** The records of a chunk, as fields; a record the chunk cuts off is left out. */
  private static List<List<String>> records(Sample.Chunk c, Dialect d, Charset cs) {
    List<List<String>> out = new ArrayList<>();
    byte[] b = c.bytes();
    RecordScanner s = new RecordScanner(d);
    int from = 0;
    while (from < b.length && out.size() < MAX_RECORDS) {
      int end = s.nextRecordEnd(b, from, b.length);
      if (end < 0) {
        if (!c.whole()) {
          break;
        }
        end = b.length;
      }
      out.add(d.values(b, from, end, cs));
      from = end;
    }
    return out;
  }

  /** The field count most records have (the first record's when there is a tie). */
  private static int modalWidth(List<List<List<String>>> files, int firstWidth) {
    Map<Integer, Integer> widths = new LinkedHashMap<>();
    widths.put(firstWidth, 0);
    for (List<List<String>> f : files) {
      for (List<String> r : f) {
        widths.merge(r.size(), 1, Integer::sum);
      }
    }
    return widths.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  /** Folds a record's values into the column types; false for a record of another width. */
  private static boolean fold(Type[] types, List<String> record) {
    if (record.size() != types.length) {
      return false;
    }
    for (int i = 0; i < types.length; i++) {
      String v = record.get(i);
      if (v != null && types[i] != Type.TEXT) {
        types[i] = TypeInference.join(types[i], TypeInference.of(v));
      }
    }
    return true;
  }

  private static boolean decideHeader(List<String> first, int columns, String nullString,
      String file, List<String> messages) {
    String value = null;
    for (String f : first) {
      Type t = f == null || f.isBlank() ? Type.TEXT : TypeInference.of(f);
      if (f == null && !nullString.isEmpty()) {
        value = "the NULL marker";
      } else if (t != Type.TEXT) {
        value = "\"" + f + "\", " + article(t.sql());
      }
      if (value != null) {
        break;
      }
    }
    if (value == null && first.stream().allMatch(f -> f == null || f.isBlank())) {
      value = "no name";
    }
    if (value == null && first.size() != columns) {
      value = first.size() + " fields where most records have " + columns;
    }
    messages.add(value == null ? "header: yes (the first record of " + file + " is all names:"
        + " no value of another type than text)" : "header: no (the first record of "
        + file + " is data: it has " + value + ")");
    return value == null;
  }

  private static String article(String type) {
    return ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type;
  }

  private static List<String> names(boolean header, List<String> first, int columns,
      List<String> messages) {
    if (!header) {
      return ColumnNames.numbered(columns);
    }
    List<String> given = new ArrayList<>();
    for (String f : first.subList(0, Math.min(first.size(), columns))) {
      given.add(f == null ? "" : f);
    }
    while (given.size() < columns) {
      given.add("");
    }
    ColumnNames n = ColumnNames.of(given);
    n.changes().forEach(c -> messages.add("header: " + c));
    return n.names();
  }

  private static List<String> withOverrides(List<String> names, Type[] types,
      Map<String, String> overrides) {
    for (String col : overrides.keySet()) {
      if (!names.contains(col)) {
        throw new ImportException("a type is given for column " + col + ", which the input"
            + " does not have (columns: " + String.join(", ", names) + ")");
      }
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      out.add(overrides.getOrDefault(names.get(i), types[i].sql()));
    }
    return List.copyOf(out);
  }

  /** The inferred type of a column, as SQL, by name; null when there is no such column. */
  public String inferredType(String column) {
    int i = names.indexOf(column);
    return i < 0 ? null : inferred.get(i).sql();
  }

  @Override
  public String toString() {
    return "(" + columnDefinitions() + ")" + (header ? " with a header" : "") + ", "
        + String.format(Locale.ROOT, "%,d", records) + " records sampled";
  }
}

package io.starmap.importer.internal;

import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The first records of the input as a load would put them into the table, for a dry run: each
 * value under the column it goes to (after the column list or the header's names), NULL where
 * COPY reads NULL, skipped fields left out.
 */
public final class SampleRows {
  private SampleRows() {}

  /** Bytes read at most from the first file: a sample, not a load. */
  private static final int MAX = 1 << 20;

  /**
   * A sample.
   *
   * @param columns the table columns the values go to, in field order
   * @param rows the values of each record, under {@code columns}; null for NULL
   */
  public record Sample(List<String> columns, List<List<String>> rows) {}

  /** What the sample needs to know of the import besides the files. */
  public record Settings(Dialect dialect, Charset charset, boolean header, List<String> fields,
      List<Sql.Column> table, String tableName) {}

  /**
   * The first {@code n} records of the first file that has any (after its header).
   *
   * @throws io.starmap.importer.BadInputException when the header names a column the table
   *     lacks, as the load would say
   */
  public static Sample read(List<InputFile> files, Settings s, int n) throws IOException {
    for (InputFile f : files) {
      if (f.size() > 0) {
        Sample sample = read(f, s, n);
        if (sample != null) {
          return sample;
        }
      }
    }
    return new Sample(loaded(columns(null, s, null)), List.of());
  }

  private static Sample read(InputFile f, Settings s, int n) throws IOException {
    io.starmap.importer.internal.Sample.Chunk head =
        io.starmap.importer.internal.Sample.head(f, MAX, s.dialect().utf8());
    byte[] b = head.bytes();
    int len = b.length;
    boolean whole = head.whole();
    int pos = 0;
    RecordScanner scanner = new RecordScanner(s.dialect());
    List<String> names = null;
    if (s.header()) {
      int end = recordEnd(scanner, b, pos, len, whole);
      if (end < 0) {
        return null;
      }
      names = s.dialect().fields(slice(b, pos, end), end - pos, s.charset());
      pos = end;
    }
    List<String> columns = columns(names, s, f);
    List<List<String>> rows = new ArrayList<>();
    while (rows.size() < n) {
      int end = recordEnd(scanner, b, pos, len, whole);
      if (end < 0) {
        break;
      }
      List<String> values = s.dialect().values(slice(b, pos, end), end - pos, s.charset());
      List<String> row = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        if (i >= columns.size() || !columns.get(i).isEmpty()) {
          row.add(values.get(i));
        }
      }
      rows.add(Collections.unmodifiableList(row));
      pos = end;
    }
    return rows.isEmpty() && pos >= len ? null : new Sample(loaded(columns), List.copyOf(rows));
  }

  /**
   * The end of the record at {@code pos}; -1: none. The last record of a whole file may lack its
   * line end; one cut where the sample stops is not shown.
   */
  private static int recordEnd(RecordScanner scanner, byte[] b, int pos, int len,
      boolean whole) {
    if (pos >= len) {
      return -1;
    }
    int end = scanner.nextRecordEnd(b, pos, len);
    return end >= 0 ? end : whole ? len : -1;
  }

  /** The column of each field: the list, else the header's names, else the table's order. */
  private static List<String> columns(List<String> names, Settings s, InputFile f) {
    if (!s.fields().isEmpty()) {
      return s.fields();
    }
    if (names != null) {
      return Headers.map(names, s.table(), s.tableName(), f.name());
    }
    return s.table().stream().map(Sql.Column::name).toList();
  }

  private static List<String> loaded(List<String> columns) {
    return columns.stream().filter(c -> !c.isEmpty()).toList();
  }

  private static byte[] slice(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(b, from, out, 0, to - from);
    return out;
  }
}

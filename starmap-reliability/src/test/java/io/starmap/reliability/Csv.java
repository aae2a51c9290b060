package io.starmap.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generated CSV for the property tests: records of three fields over a hostile alphabet (quotes,
 * delimiters, CR, LF, tabs, semicolons, backslashes, non-ASCII), some NULL (an unquoted empty
 * field), some quoted when they need not be; written with LF or CRLF record ends, the way
 * PostgreSQL's COPY CSV reads them. {@link #parse} is an independent reference reader.
 */
final class Csv {
  private Csv() {}

  /** A field: its value (null for NULL) and whether to quote it when not needed. */
  record Field(String value, boolean quoteAnyway) {}

  /** A generated file: its records and line end. */
  record Doc(List<List<Field>> records, boolean crlf) {
    /** The values of the records. */
    List<List<String>> values() {
      List<List<String>> out = new ArrayList<>();
      for (List<Field> r : records) {
        List<String> v = new ArrayList<>();
        r.forEach(f -> v.add(f.value()));
        out.add(v);
      }
      return out;
    }
  }

  static Arbitrary<String> values() {
    return Arbitraries.strings().withChars('a', 'b', 'Z', ' ', ',', '"', '\n', '\r', '\t', ';',
        '\\', '\'', 'é', '€').ofMinLength(0).ofMaxLength(12);
  }

  static Arbitrary<Field> fields() {
    return Combinators.combine(values().injectNull(0.15), Arbitraries.of(true, false))
        .as(Field::new);
  }

  static Arbitrary<Doc> docs(int maxRecords) {
    return Combinators.combine(fields().list().ofSize(3).list().ofMinSize(1)
        .ofMaxSize(maxRecords), Arbitraries.of(true, false)).as(Doc::new);
  }

  /** The CSV bytes of {@code doc}, each record prefixed with {@code idOf(i)} when not null. */
  static byte[] write(Doc doc, java.util.function.IntFunction<String> idOf) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < doc.records().size(); i++) {
      sb.setLength(0);
      if (idOf != null) {
        sb.append(idOf.apply(i)).append(',');
      }
      List<Field> r = doc.records().get(i);
      for (int k = 0; k < r.size(); k++) {
        if (k > 0) {
          sb.append(',');
        }
        sb.append(field(r.get(k)));
      }
      sb.append(doc.crlf() ? "\r\n" : "\n");
      out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static String field(Field f) {
    String v = f.value();
    if (v == null) {
      return "";
    }
    boolean needs = v.isEmpty() || v.indexOf(',') >= 0 || v.indexOf('"') >= 0
        || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
    return needs || f.quoteAnyway() ? '"' + v.replace("\"", "\"\"") + '"' : v;
  }

  /** The byte offsets just past each record end of {@code write(doc, ...)}. */
  static List<Integer> boundaries(Doc doc, java.util.function.IntFunction<String> idOf) {
    List<Integer> out = new ArrayList<>();
    int at = 0;
    for (int i = 0; i < doc.records().size(); i++) {
      Doc one = new Doc(List.of(doc.records().get(i)), doc.crlf());
      final int index = i;
      at += write(one, idOf == null ? null : j -> idOf.apply(index)).length;
      out.add(at);
    }
    return out;
  }

  /**
   * A reference CSV reader (RFC 4180 with PostgreSQL's NULL rule: an unquoted empty field is
   * null), independent of the importer's scanner.
   */
  static List<List<String>> parse(byte[] bytes) {
    String s = new String(bytes, StandardCharsets.UTF_8);
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    boolean started = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      started = true;
      if (quoted) {
        if (c == '"') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        wasQuoted = true;
      } else if (c == ',') {
        record.add(cur.isEmpty() && !wasQuoted ? null : cur.toString());
        cur.setLength(0);
        wasQuoted = false;
      } else if (c == '\n' || (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n')) {
        if (c == '\r') {
          i++;
        }
        record.add(cur.isEmpty() && !wasQuoted ? null : cur.toString());
        records.add(record);
        record = new ArrayList<>();
        cur.setLength(0);
        wasQuoted = false;
        started = false;
      } else {
        cur.append(c);
      }
    }
    if (started) {
      record.add(cur.isEmpty() && !wasQuoted ? null : cur.toString());
      records.add(record);
    }
    return records;
  }
}

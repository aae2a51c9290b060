package io.starmap.importer.internal;

import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSV dialect as bytes, and the COPY options that tell the server the same.
 *
 * @param delimiter the field delimiter
 * @param quote the quote
 * @param escape the escape inside quotes (equal to quote by default)
 * @param nullString the unquoted NULL marker
 * @param encoding the PostgreSQL encoding name of the files
 */
public record Dialect(byte delimiter, byte quote, byte escape, String nullString, String encoding)
    implements Serializable {

  /** What {@link #effectiveEscape()} is when the escape is the quote: equal to no byte. */
  public static final int NO_ESCAPE = Integer.MIN_VALUE;

  /**
   * The escape byte as PostgreSQL's line reader uses it, comparable with a {@code byte} as it
   * is, or {@link #NO_ESCAPE} when it equals the quote. Not -1, which a byte 0xFF (a letter in
   * LATIN1) equals.
   */
  public int effectiveEscape() {
    return escape == quote ? NO_ESCAPE : escape;
  }

  /** True for UTF-8 files, whose BOM is skipped. */
  public boolean utf8() {
    return encoding.equals("UTF8");
  }

  /** The {@code WITH (...)} clause of the COPY. */
  public String copyOptions() {
    return "(FORMAT csv, DELIMITER " + Sql.literal(String.valueOf((char) delimiter)) + ", QUOTE "
        + Sql.literal(String.valueOf((char) quote)) + ", ESCAPE "
        + Sql.literal(String.valueOf((char) escape)) + ", NULL " + Sql.literal(nullString)
        + ", ENCODING " + Sql.literal(encoding) + ")";
  }

  /** The fields of one record (a header), unquoted; {@code bytes} holds the record. */
  public List<String> fields(byte[] bytes, int len, Charset cs) {
    return fields(bytes, 0, len, cs);
  }

  /** The fields of the record in {@code bytes[from, to)}, unquoted. */
  public List<String> fields(byte[] bytes, int from, int to, Charset cs) {
    return split(bytes, from, to, cs, false);
  }

  /** The values of one record as COPY reads them; {@code bytes} holds the record. */
  public List<String> values(byte[] bytes, int len, Charset cs) {
    return values(bytes, 0, len, cs);
  }

  /**
   * The values of the record in {@code bytes[from, to)} as COPY reads them: an unquoted field
   * equal to the NULL marker is null; a quoted one is its text, even when that is the marker.
   */
  public List<String> values(byte[] bytes, int from, int to, Charset cs) {
    return split(bytes, from, to, cs, true);
  }

  private List<String> split(byte[] bytes, int from, int to, Charset cs, boolean nulls) {
    List<String> plain = unquoted(bytes, from, to, cs, nulls);
    if (plain != null) {
      return plain;
    }
    List<String> out = new ArrayList<>();
    ByteArrayOutputStream cur = new ByteArrayOutputStream();
    boolean quoted = false;
    boolean inQuote = false;
    int esc = effectiveEscape();
    int end = to;
    while (end > from && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    for (int i = from; i < end; i++) {
      byte b = bytes[i];
      if (inQuote) {
        if (b == esc && i + 1 < end && (bytes[i + 1] == quote || bytes[i + 1] == esc)) {
          cur.write(bytes[++i]);
        } else if (b == quote) {
          if (esc == NO_ESCAPE && i + 1 < end && bytes[i + 1] == quote) {
            cur.write(quote);
            i++;
          } else {
            inQuote = false;
          }
        } else {
          cur.write(b);
        }
      } else if (b == quote) {
        inQuote = true;
        quoted = true;
      } else if (b == delimiter) {
        out.add(value(cur.toString(cs), nulls && !quoted));
        cur.reset();
        quoted = false;
      } else {
        cur.write(b);
      }
    }
    out.add(value(cur.toString(cs), nulls && !quoted));
    return out;
  }

  /**
   * The fields of a record without quotes, cut straight from the bytes (most records of most
   * files: the sample's inference reads tens of thousands); null when the record has a quote.
   */
  private List<String> unquoted(byte[] bytes, int from, int to, Charset cs, boolean nulls) {
    int end = to;
    while (end > from && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
      end--;
    }
    List<String> out = new ArrayList<>();
    int start = from;
    for (int i = from; i < end; i++) {
      byte b = bytes[i];
      if (b == quote) {
        return null;
      }
      if (b == delimiter) {
        out.add(value(new String(bytes, start, i - start, cs), nulls));
        start = i + 1;
      }
    }
    out.add(value(new String(bytes, start, end - start, cs), nulls));
    return out;
  }

  private String value(String field, boolean mayBeNull) {
    return mayBeNull && field.equals(nullString) ? null : field;
  }
}

package io.starmap.importer.internal;

import static io.starmap.importer.internal.AsciiDigits.ONES;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Parses CSV on the client and encodes PostgreSQL's binary COPY format ({@link PgBinaryWriter}),
 * so the server skips its own CSV parsing and input functions (measured at about 0.64x the server
 * time of CSV). This class is the tokenizer: records and fields of the caller's buffer.
 *
 * <p>It works on whole records in the caller's buffer, without allocating per row: an unquoted
 * field is encoded straight from the input bytes. A record cut by the end of the buffer is left
 * for the next call, so the caller moves that tail to the front and reads on after it.
 *
 * <p>It only takes the plain cases, and takes them exactly as the server's text input functions
 * would: anything else (a value in a format it does not know, a number out of range, a quote
 * inside an unquoted field, a bare carriage return, a wrong number of fields) throws {@link
 * Unsupported}, and the caller loads the task again as CSV text, where the server decides and
 * reports errors with its own messages and line numbers.
 */
final class BinaryRows {
  /** Thrown when the input needs the server's CSV parser. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String why) {
      super(why, null, false, false);
    }
  }

  /** Whether a column type (as {@code format_type} shows it) has a binary encoder here. */
  static boolean supported(String type) {
    return PgBinaryWriter.kind(type) != null;
  }

  /** The encoder of each field; null for a field that is skipped (not loaded). */
  private final PgBinaryWriter.Kind[] kinds;
  private final int columns;
  private final int loaded;
  private final byte delimiter;
  private final byte quote;
  private final int escape;
  private final byte[] nullBytes;
  private final PgBinaryWriter.Out out;
  private final PgBinaryWriter writer;
  /**
   * Each byte of this word is one more than the highest of the delimiter, the quote, newline and
   * carriage return, when that is low enough that data bytes are mostly above it (a comma or a
   * tab, with '"'): {@link #fieldEnd} then finds the first byte below it in four operations a
   * word instead of four tests; zero otherwise.
   */
  private final long below;
  private byte[] field = new byte[256];
  private int fieldLen;
  private long records;

  private static final long HIGHS = 0x8080808080808080L;

  /**
   * An encoder of records with one field per type, in order.
   *
   * @param types the column type of each field, or null for a field that is read but not loaded
   */
  BinaryRows(List<String> types, Dialect d, PgBinaryWriter.Out out) {
    this.kinds = new PgBinaryWriter.Kind[types.size()];
    int n = 0;
    for (int i = 0; i < kinds.length; i++) {
      if (types.get(i) != null) {
        kinds[i] = PgBinaryWriter.kind(types.get(i));
        n++;
      }
    }
    this.columns = kinds.length;
    this.loaded = n;
    this.delimiter = d.delimiter();
    this.quote = d.quote();
    this.escape = d.effectiveEscape();
    this.nullBytes = d.nullString().getBytes(StandardCharsets.UTF_8);
    int highest = Math.max(Math.max(delimiter & 0xff, quote & 0xff), '\r');
    this.below = highest < '-' ? ONES * (highest + 1) : 0;
    this.out = out;
    this.writer = new PgBinaryWriter(out);
  }

  /** Records encoded since the last {@link #resetCount()}. */
  long records() {
    return records;
  }

  /** Starts counting records again (a new piece). */
  void resetCount() {
    records = 0;
  }

  /**
   * Encodes the whole records of {@code b[from, to)}, stopping early at a record boundary once
   * the output holds {@code flushAt} bytes.
   *
   * @return where the first record not encoded starts: {@code to} when all were; otherwise
   *     either the output is full or the record there is cut by {@code to}
   */
  int feed(byte[] b, int from, int to, int flushAt) throws Unsupported {
    int p = from;
    while (p < to && out.n < flushAt) {
      int next = record(b, p, to);
      if (next < 0) {
        return p;
      }
      p = next;
      records++;
    }
    return p;
  }

  /**
   * Encodes the last record of the input, which has no line end: {@code b[from, to)} with room
   * for one more byte after {@code to}.
   */
  void finish(byte[] b, int from, int to) throws Unsupported {
    if (from == to) {
      return;
    }
    b[to] = '\n';
    int next = record(b, from, to + 1);
    if (next != to + 1) {
      throw new Unsupported(next < 0 ? "an unterminated quoted field at the end"
          : "a record longer than the buffer");
    }
    records++;
  }

  /**
   * Encodes the record at {@code p}; returns the index after its line end, or -1 if cut. One
   * method with the field loop inside: a call per field measured about 3% slower.
   */
  private int record(byte[] b, int p, int to) throws Unsupported {
    final int last = columns - 1;
    if (last < 0) {
      throw new Unsupported("a table without columns"); // the server says what it makes of rows
    }
    final int tupleStart = writer.startTuple(loaded);
    for (int col = 0; ; col++) {
      if (p >= to) {
        writer.rewind(tupleStart);
        return -1;
      }
      int end;
      if (b[p] != quote) {
        end = fieldEnd(b, p, to);
        if (end >= to) {
          writer.rewind(tupleStart);
          return -1;
        }
        if (b[end] == quote) {
          throw new Unsupported("a quote inside an unquoted field");
        }
        PgBinaryWriter.Kind k = kinds[col];
        if (k != null) { // null: read past, not loaded
          int len = end - p;
          if (len == nullBytes.length && Arrays.equals(b, p, end, nullBytes, 0, len)) {
            writer.nullField();
          } else {
            writer.encode(k, b, p, len);
          }
        }
      } else {
        end = quoted(b, p + 1, to);
        if (end < 0 || end >= to) {
          writer.rewind(tupleStart);
          return -1;
        }
        if (kinds[col] != null) {
          writer.encode(kinds[col], field, 0, fieldLen);
        }
      }
      byte t = b[end];
      if (t == delimiter && col < last) {
        p = end + 1;
        continue;
      }
      if (col < last) {
        throw new Unsupported("fewer fields than columns");
      }
      int next = lineEnd(b, end, to, t);
      if (next < 0) {
        writer.rewind(tupleStart);
      }
      return next;
    }
  }

  /** After the last field, ending with {@code t} at {@code end}: the next record's start. */
  private static int lineEnd(byte[] b, int end, int to, byte t) throws Unsupported {
    if (t == '\n') {
      return end + 1;
    }
    if (t == '\r') {
      if (end + 1 >= to) {
        return -1;
      }
      if (b[end + 1] != '\n') {
        throw new Unsupported("a carriage return not followed by a newline");
      }
      return end + 2;
    }
    throw new Unsupported("more fields than columns");
  }

  /**
   * The index of the first delimiter, quote, newline or carriage return in {@code b[p, to)}, or
   * {@code to}; eight bytes at a time.
   */
  private int fieldEnd(byte[] b, int p, int to) {
    return below != 0 ? fieldEndBelow(b, p, to) : exactFieldEnd(b, p, to);
  }

  /**
   * {@link #fieldEnd} with {@link #below}: the first byte below the bound is usually the one
   * looked for; when it is another (a space), the exact search goes on from after it. Apart from
   * the exact search, so that each stays small enough for the JIT to inline into the record loop.
   */
  private int fieldEndBelow(byte[] b, int p, int to) {
    final long bound = below;
    while (p + 8 <= to) {
      long w = AsciiDigits.word(b, p);
      long low = (w - bound) & ~w & HIGHS;
      if (low != 0) {
        p += Long.numberOfTrailingZeros(low) >>> 3; // the lowest flagged byte is a real one
        byte c = b[p];
        return c == delimiter || c == '\n' || c == quote || c == '\r' ? p
            : exactFieldEnd(b, p + 1, to);
      }
      p += 8;
    }
    return exactFieldEnd(b, p, to);
  }

  /**
   * {@link #fieldEnd} testing each byte of a word for each of the four: a byte equal to the one
   * looked for is a zero byte of the word XOR that byte repeated, and the lowest flagged byte is
   * always a real one.
   */
  private int exactFieldEnd(byte[] b, int p, int to) {
    final long delims = (delimiter & 0xffL) * ONES;
    final long quotes = (quote & 0xffL) * ONES;
    while (p + 8 <= to) {
      long w = AsciiDigits.word(b, p);
      long x1 = w ^ delims;
      long x2 = w ^ quotes;
      long x3 = w ^ (ONES * '\n');
      long x4 = w ^ (ONES * '\r');
      long found = ((x1 - ONES) & ~x1) | ((x2 - ONES) & ~x2) | ((x3 - ONES) & ~x3)
          | ((x4 - ONES) & ~x4);
      found &= HIGHS;
      if (found != 0) {
        return p + (Long.numberOfTrailingZeros(found) >>> 3);
      }
      p += 8;
    }
    byte c;
    while (p < to && (c = b[p]) != delimiter && c != '\n' && c != '\r' && c != quote) {
      p++;
    }
    return p;
  }

  /**
   * Copies a quoted field's value, from just after its opening quote, into {@code field}.
   *
   * @return the index after the closing quote, or -1 when the field is cut by {@code to}
   */
  private int quoted(byte[] b, int p, int to) throws Unsupported {
    int n = 0;
    while (p < to) {
      byte c = b[p];
      if (c == escape) {
        if (p + 1 >= to) {
          return -1;
        }
        byte next = b[p + 1];
        if (next == quote || next == escape) {
          c = next;
          p++;
        }
      } else if (c == quote) {
        if (escape != Dialect.NO_ESCAPE) {
          fieldLen = n;
          return p + 1;
        }
        if (p + 1 >= to) {
          return -1;
        }
        if (b[p + 1] != quote) {
          byte t = b[p + 1];
          if (t != delimiter && t != '\n' && t != '\r') {
            throw new Unsupported("data after a closing quote");
          }
          fieldLen = n;
          return p + 1;
        }
        p++;
      }
      if (n == field.length) {
        field = Arrays.copyOf(field, n * 2);
      }
      field[n++] = c;
      p++;
    }
    return -1;
  }
}

package io.starmap.importer.internal;

import io.starmap.importer.internal.BinaryRows.Unsupported;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * PostgreSQL's binary COPY format: the file header and trailer, and each tuple's fields (a
 * length, then the value in the type's binary send format), appended to a growing {@link Out}.
 * Values come as text bytes, parsed by {@link PgTextParsers}.
 */
final class PgBinaryWriter {
  static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
      0, 0, 0, 0, 0, 0, 0, 0};
  static final byte[] TRAILER = {(byte) 0xFF, (byte) 0xFF};
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  enum Kind { TEXT, INT2, INT4, INT8, FLOAT4, FLOAT8, BOOL, DATE, NUMERIC, TIMESTAMP }

  static Kind kind(String type) {
    String t = type.toLowerCase(Locale.ROOT);
    if (t.equals("text") || t.startsWith("character varying") || t.startsWith("varchar")) {
      return Kind.TEXT;
    }
    return switch (t) {
      case "smallint" -> Kind.INT2;
      case "integer" -> Kind.INT4;
      case "bigint" -> Kind.INT8;
      case "real" -> Kind.FLOAT4;
      case "double precision" -> Kind.FLOAT8;
      case "boolean" -> Kind.BOOL;
      case "date" -> Kind.DATE;
      case "timestamp without time zone" -> Kind.TIMESTAMP;
      default -> t.equals("numeric") || t.startsWith("numeric(") ? Kind.NUMERIC : null;
    };
  }

  /** The growing output: whole tuples, flushed by the caller. */
  static final class Out {
    private static final ScratchArray ARRAYS = new ScratchArray(1 << 20);
    byte[] buf = ARRAYS.take();
    int n;

    /** Gives the array back for this thread's next output; this output is not written again. */
    void release() {
      ARRAYS.give(buf);
      buf = null;
      n = 0;
    }

    void ensure(int more) {
      if (n + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
      }
    }

    /** Appends bytes (the header and trailer). */
    void bytes(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, buf, n, len);
      n += len;
    }
  }

  private final Out out;
  private final PgTextParsers parse = new PgTextParsers();
  private final short[] groups = new short[64];
  private long lastDateHead;
  /** The last date's last two bytes; none yet is a value no two bytes read as a short make. */
  private int lastDateTail = Integer.MIN_VALUE;
  private int lastDate;

  PgBinaryWriter(Out out) {
    this.out = out;
  }

  /** Starts a tuple of {@code columns} fields; returns where it starts, for {@link #rewind}. */
  int startTuple(int columns) {
    final Out o = out;
    final int start = o.n;
    o.ensure(2);
    SHORT.set(o.buf, o.n, (short) columns);
    o.n += 2;
    return start;
  }

  /** Drops the tuple being written (its record is cut by the end of the input). */
  void rewind(int tupleStart) {
    out.n = tupleStart;
  }

  /** Appends a NULL field. */
  void nullField() {
    final Out o = out;
    o.ensure(4);
    INT.set(o.buf, o.n, -1);
    o.n += 4;
  }

  /** Appends the field whose text is {@code b[off, off + len)}, as a value of kind {@code k}. */
  void encode(Kind k, byte[] b, int off, int len) throws Unsupported {
    final Out o = out;
    switch (k) {
      case TEXT -> {
        o.ensure(4 + len);
        INT.set(o.buf, o.n, len);
        System.arraycopy(b, off, o.buf, o.n + 4, len);
        o.n += 4 + len;
      }
      case INT2 -> {
        long v = PgTextParsers.parseLong(b, off, len);
        if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
          throw new Unsupported("smallint out of range");
        }
        o.ensure(6);
        INT.set(o.buf, o.n, 2);
        SHORT.set(o.buf, o.n + 4, (short) v);
        o.n += 6;
      }
      case INT4 -> {
        long v = PgTextParsers.parseLong(b, off, len);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
          throw new Unsupported("integer out of range");
        }
        int32Field((int) v);
      }
      case INT8 -> int64Field(PgTextParsers.parseLong(b, off, len));
      case FLOAT4 -> int32Field(Float.floatToRawIntBits(parse.parseFloat4(b, off, len)));
      case FLOAT8 -> int64Field(Double.doubleToRawLongBits(parse.parseFloat8(b, off, len)));
      case BOOL -> {
        o.ensure(5);
        INT.set(o.buf, o.n, 1);
        o.buf[o.n + 4] = PgTextParsers.parseBool(b, off, len) ? (byte) 1 : (byte) 0;
        o.n += 5;
      }
      case DATE -> int32Field(date(b, off, len));
      case TIMESTAMP -> int64Field(PgTextParsers.parseTimestamp(b, off, len));
      case NUMERIC -> encodeNumeric(b, off, len);
      default -> throw new IllegalStateException("kind " + k);
    }
  }

  /**
   * A date's days since 2000-01-01. Most files repeat their dates row after row (sorted by day,
   * or a day per file), so the last ISO date's ten bytes and value are kept: a repeated date costs
   * a compare instead of a parse. One compare of both parts, not one per part: the JIT compiles a
   * branch its profile never saw taken as a trap, and the first eight bytes (year and month) did
   * not change in the few milliseconds it profiled the encoder, so the first new month threw the
   * compiled encoder away (in each of 7 imports of the 522 files); the whole date changes with
   * each file or day, which the profile sees.
   */
  private int date(byte[] b, int off, int len) throws Unsupported {
    if (len != 10) {
      return (int) (PgTextParsers.parseDate(b, off, len) - PgTextParsers.PG_EPOCH_DAY);
    }
    long head = (long) LONG.get(b, off);
    int tail = (short) SHORT.get(b, off + 8);
    if (((head ^ lastDateHead) | (tail ^ lastDateTail)) != 0) {
      lastDate = (int) (PgTextParsers.parseDate(b, off, len) - PgTextParsers.PG_EPOCH_DAY);
      lastDateHead = head;
      lastDateTail = tail; // set last: a failed parse keeps no stale value
    }
    return lastDate;
  }

  private void int32Field(int v) {
    final Out o = out;
    o.ensure(8);
    INT.set(o.buf, o.n, 4);
    INT.set(o.buf, o.n + 4, v);
    o.n += 8;
  }

  private void int64Field(long v) {
    final Out o = out;
    o.ensure(12);
    INT.set(o.buf, o.n, 8);
    LONG.set(o.buf, o.n + 4, v);
    o.n += 12;
  }

  /** PostgreSQL's numeric: base-10000 digit groups aligned on the decimal point. */
  private void encodeNumeric(byte[] b, int off, int len) throws Unsupported {
    int i = off + PgTextParsers.signLength(b, off, len);
    int end = off + len;
    boolean neg = i > off && b[off] == '-';
    int intStart = i;
    while (i < end && b[i] >= '0' && b[i] <= '9') {
      i++;
    }
    int intEnd = i;
    int fracStart = i;
    int fracEnd = i;
    if (i < end && b[i] == '.') {
      fracStart = ++i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      fracEnd = i;
    }
    int intDigits = intEnd - intStart;
    int fracDigits = fracEnd - fracStart;
    if (i != end || intDigits + fracDigits == 0 || intDigits + fracDigits > 200) {
      throw new Unsupported("not a plain decimal");
    }
    int intGroups = (intDigits + 3) / 4;
    int total = intGroups + groups(b, intStart, intDigits, fracStart, fracEnd);
    int first = 0;
    while (first < total && groups[first] == 0) {
      first++;
    }
    int last = total;
    while (last > first && groups[last - 1] == 0) {
      last--;
    }
    int ndigits = last - first;
    int weight = ndigits == 0 ? 0 : intGroups - 1 - first;
    final Out o = out;
    o.ensure(12 + 2 * ndigits);
    INT.set(o.buf, o.n, 8 + 2 * ndigits);
    SHORT.set(o.buf, o.n + 4, (short) ndigits);
    SHORT.set(o.buf, o.n + 6, (short) weight);
    SHORT.set(o.buf, o.n + 8, (short) (neg && ndigits > 0 ? 0x4000 : 0));
    SHORT.set(o.buf, o.n + 10, (short) fracDigits);
    int at = o.n + 12;
    for (int g = first; g < last; g++) {
      SHORT.set(o.buf, at, groups[g]);
      at += 2;
    }
    o.n = at;
  }

  /**
   * Fills {@link #groups} with the base-10000 digit groups of a decimal: the integer part
   * right-aligned, the fraction left-aligned. Returns the number of fraction groups.
   */
  private int groups(byte[] b, int intStart, int intDigits, int fracStart, int fracEnd) {
    int fracDigits = fracEnd - fracStart;
    int intGroups = (intDigits + 3) / 4;
    int fracGroups = (fracDigits + 3) / 4;
    // integer part, right-aligned in groups
    int pos = intStart;
    int firstLen = intDigits - (intGroups - 1) * 4;
    for (int g = 0; g < intGroups; g++) {
      int glen = g == 0 ? firstLen : 4;
      int v = 0;
      for (int k = 0; k < glen; k++) {
        v = v * 10 + (b[pos++] - '0');
      }
      groups[g] = (short) v;
    }
    // fraction, left-aligned in groups
    pos = fracStart;
    for (int g = 0; g < fracGroups; g++) {
      int v = 0;
      for (int k = 0; k < 4; k++) {
        v = v * 10 + (pos < fracEnd ? b[pos++] - '0' : 0);
      }
      groups[intGroups + g] = (short) v;
    }
    return fracGroups;
  }
}

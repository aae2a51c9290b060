package io.starmap.importer.internal;

import static io.starmap.importer.internal.AsciiDigits.ONES;

import io.starmap.importer.internal.BinaryRows.Unsupported;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * PostgreSQL's text input functions for the plain cases, on bytes: integers, floats (correctly
 * rounded, like the server's), booleans, ISO dates and timestamps. Anything else throws {@link
 * Unsupported}: the server then parses the text itself. One per encoder (it keeps the last
 * decimal's parts, to parse without allocating).
 */
final class PgTextParsers {
  /** 2000-01-01, PostgreSQL's epoch, in days since 1970-01-01. */
  static final int PG_EPOCH_DAY = 10957;
  private static final double[] POW10 = new double[23];
  private static final float[] POW10F = new float[11];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p;
      p *= 10;
    }
    float q = 1;
    for (int i = 0; i < POW10F.length; i++) {
      POW10F[i] = q;
      q *= 10;
    }
  }

  /** 1 if the field starts with a sign ({@code -} or {@code +}), else 0. */
  static int signLength(byte[] b, int off, int len) {
    return len > 0 && (b[off] == '-' || b[off] == '+') ? 1 : 0;
  }

  /** An integer in plain decimal, in range of a long (the caller checks narrower types). */
  static long parseLong(byte[] b, int off, int len) throws Unsupported {
    int i = off + signLength(b, off, len);
    int end = off + len;
    boolean neg = i > off && b[off] == '-';
    if (i == end || end - i > 19) {
      throw new Unsupported("not a plain integer");
    }
    if (end - i <= 8 && i + 8 <= b.length) { // no overflow: one word, as in eightDecimal
      long v = AsciiDigits.value(AsciiDigits.word(b, i), end - i);
      if (v < 0) {
        throw new Unsupported("not a plain integer");
      }
      return neg ? -v : v;
    }
    // accumulated as a negative number, whose range includes Long.MIN_VALUE
    long limit = neg ? Long.MIN_VALUE : -Long.MAX_VALUE;
    long multMin = limit / 10;
    long v = 0;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new Unsupported("not a plain integer");
      }
      if (v < multMin) {
        throw new Unsupported("bigint out of range");
      }
      v *= 10;
      if (v < limit + d) {
        throw new Unsupported("bigint out of range");
      }
      v -= d;
    }
    return neg ? v : -v;
  }

  /**
   * A plain decimal number ({@code [+-]digits[.digits][e[+-]digits]}) as mantissa and power of
   * ten; {@link #lost} tells when digits beyond the 19th were not zero (then the caller parses
   * the text instead).
   */
  private long mantissa;
  private int exponent;
  private boolean lost;
  private boolean negative;

  private void decimal(byte[] b, int off, int len) throws Unsupported {
    int i = off;
    int end = off + len;
    negative = false;
    if (i < end && (b[i] == '-' || b[i] == '+')) {
      negative = b[i] == '-';
      i++;
    }
    if (!shortDecimal(b, i, end)) {
      anyDecimal(b, i, end);
    }
  }

  /** {@link #decimal} after the sign, any length, with an exponent. */
  private void anyDecimal(byte[] b, int i, int end) throws Unsupported {
    long m = 0;
    int digits = 0;
    int exp = 0;
    boolean any = false;
    boolean dropped = false;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        break;
      }
      any = true;
      if (digits < 19) {
        if (m != 0 || d != 0) {
          m = m * 10 + d;
          digits++;
        }
      } else {
        exp++;
        dropped |= d != 0;
      }
    }
    if (i < end && b[i] == '.') {
      for (i++; i < end; i++) {
        int d = b[i] - '0';
        if (d < 0 || d > 9) {
          break;
        }
        any = true;
        if (digits < 19) {
          if (m != 0 || d != 0) {
            m = m * 10 + d;
            digits++;
          }
          exp--;
        } else {
          dropped |= d != 0;
        }
      }
    }
    if (!any) {
      throw new Unsupported("not a plain number");
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      exp += exponentPart(b, i + 1, end);
    } else if (i != end) {
      throw new Unsupported("not a plain number");
    }
    mantissa = m;
    exponent = exp;
    lost = dropped;
  }

  /**
   * The common case of {@link #decimal}: at most 18 digits, so no digit can be lost, and no
   * exponent. False when {@code b[i, end)} is not that (then the general parse decides).
   */
  private boolean shortDecimal(byte[] b, int i, int end) {
    int n = end - i;
    if (n >= 1 && n <= 8 && i + 8 <= b.length) {
      return eightDecimal(b, i, n);
    }
    if (n > 18) {
      return false;
    }
    int start = i;
    int dot = -1;
    long m = 0;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d >= 0 && d <= 9) {
        m = m * 10 + d;
      } else if (b[i] == '.' && dot < 0) {
        dot = i;
      } else {
        break;
      }
    }
    if (i == end && end - start > (dot < 0 ? 0 : 1)) {
      mantissa = m;
      exponent = dot < 0 ? 0 : dot - end + 1;
      lost = false;
      return true;
    }
    return false;
  }

  /**
   * {@link #shortDecimal} for 1 to 8 characters, with 8 readable bytes at {@code i}: one word,
   * and no branch per character, which mispredicts wherever the lengths of the values vary. The
   * dot is the lowest byte equal to '.', removed by shifting the bytes above it down; the digits
   * are then checked and converted eight at a time. False when not digits with at most one dot.
   */
  private boolean eightDecimal(byte[] b, int i, int n) {
    long w = AsciiDigits.word(b, i) & (-1L >>> (64 - (n << 3)));
    long x = w ^ (ONES * '.');
    long dot = (x - ONES) & ~x & (ONES << 7); // the lowest flagged byte is a real dot
    dot &= -dot;
    long below = (dot >>> 7) - 1; // the bytes before the dot; all of them when there is none
    long digits = (w & below) | ((w >>> 8) & ~below);
    int count = n - (int) ((dot | -dot) >>> 63);
    if (count == 0) {
      return false;
    }
    long value = AsciiDigits.value(digits, count);
    if (value < 0) {
      return false;
    }
    mantissa = value;
    exponent = dot == 0 ? 0 : (Long.numberOfTrailingZeros(dot) >>> 3) - n + 1;
    lost = false;
    return true;
  }

  /** The exponent {@code [+-]digits} in {@code b[i, end)}, all of it. */
  private static int exponentPart(byte[] b, int i, int end) throws Unsupported {
    boolean negExp = false;
    if (i < end && (b[i] == '-' || b[i] == '+')) {
      negExp = b[i] == '-';
      i++;
    }
    if (i == end || end - i > 6) {
      throw new Unsupported("not a plain number");
    }
    int e = 0;
    for (; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new Unsupported("not a plain number");
      }
      e = e * 10 + d;
    }
    return negExp ? -e : e;
  }

  /** As PostgreSQL's float8in (correctly rounded, like strtod); out of range is its error. */
  double parseFloat8(byte[] b, int off, int len) throws Unsupported {
    decimal(b, off, len);
    if (mantissa == 0 && !lost) {
      return negative ? -0.0 : 0.0;
    }
    double v;
    if (!lost && mantissa < (1L << 53) && exponent >= -22 && exponent <= 22) {
      // both operands exact, so the one rounding of the product or quotient is the right one
      v = exponent < 0 ? mantissa / POW10[-exponent] : mantissa * POW10[exponent];
    } else {
      v = Math.abs(Double.parseDouble(new String(b, off, len, StandardCharsets.ISO_8859_1)));
      if (v == 0 || Double.isInfinite(v)) {
        throw new Unsupported("out of range for double precision");
      }
    }
    return negative ? -v : v;
  }

  /** As PostgreSQL's float4in (strtof, correctly rounded to float, not via double). */
  float parseFloat4(byte[] b, int off, int len) throws Unsupported {
    decimal(b, off, len);
    if (mantissa == 0 && !lost) {
      return negative ? -0.0f : 0.0f;
    }
    float v;
    if (!lost && mantissa < (1L << 24) && exponent >= -10 && exponent <= 10) {
      v = exponent < 0 ? mantissa / POW10F[-exponent] : mantissa * POW10F[exponent];
    } else {
      v = Math.abs(Float.parseFloat(new String(b, off, len, StandardCharsets.ISO_8859_1)));
      if (v == 0 || Float.isInfinite(v)) {
        throw new Unsupported("out of range for real");
      }
    }
    return negative ? -v : v;
  }

  static boolean parseBool(byte[] b, int off, int len) throws Unsupported {
    if (len == 1) {
      byte c = b[off];
      if (c == 't' || c == 'T' || c == 'y' || c == 'Y' || c == '1') {
        return true;
      }
      if (c == 'f' || c == 'F' || c == 'n' || c == 'N' || c == '0') {
        return false;
      }
    } else if (len <= 5) {
      switch (new String(b, off, len, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)) {
        case "true", "yes", "on":
          return true;
        case "false", "no", "off":
          return false;
        default:
          break;
      }
    }
    throw new Unsupported("not a plain boolean");
  }

  private static int digits(byte[] b, int from, int to) throws Unsupported {
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new Unsupported("not a plain date");
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** Days since 1970-01-01 of {@code YYYY-MM-DD}, checked as the server checks it. */
  static long parseDate(byte[] b, int off, int len) throws Unsupported {
    if (len != 10 || b[off + 4] != '-' || b[off + 7] != '-') {
      throw new Unsupported("not an ISO date");
    }
    int y0 = b[off] - '0';
    int y1 = b[off + 1] - '0';
    int y2 = b[off + 2] - '0';
    int y3 = b[off + 3] - '0';
    int m0 = b[off + 5] - '0';
    int m1 = b[off + 6] - '0';
    int d0 = b[off + 8] - '0';
    int d1 = b[off + 9] - '0';
    // a digit is 0..9: any other byte makes one of these negative or above 9
    if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) < 0
        || Math.max(Math.max(Math.max(y0, y1), Math.max(y2, y3)),
            Math.max(Math.max(m0, m1), Math.max(d0, d1))) > 9) {
      throw new Unsupported("not a plain date");
    }
    return epochDay(y0 * 1000 + y1 * 100 + y2 * 10 + y3, m0 * 10 + m1, d0 * 10 + d1);
  }

  private static long epochDay(int year, int month, int day) throws Unsupported {
    if (year < 1) {
      throw new Unsupported("year 0"); // PostgreSQL has no year 0: its parser says so
    }
    // a lookup, not a switch: the JIT would compile a switch for the months seen so far and
    // deoptimise at each new one
    if (month < 1 || month > 12 || day < 1 || day > MAX_DAYS[month]
        || (month == 2 && day == 29 && !leap(year))) {
      throw new Unsupported("not a valid date");
    }
    // days from the civil calendar (proleptic Gregorian, as PostgreSQL's date is)
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yoe = y - era * 400;
    int mp = (month + 9) % 12;
    int doy = (153 * mp + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097L + doe - 719468;
  }

  private static final int[] MAX_DAYS = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  private static boolean leap(int year) {
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  static long parseTimestamp(byte[] b, int off, int len) throws Unsupported {
    if (len < 19 || b[off + 4] != '-' || b[off + 7] != '-'
        || (b[off + 10] != ' ' && b[off + 10] != 'T') || b[off + 13] != ':'
        || b[off + 16] != ':') {
      throw new Unsupported("not an ISO timestamp");
    }
    long micros = 0;
    if (len > 19) {
      if (b[off + 19] != '.' || len > 26 || len == 20) {
        throw new Unsupported("not an ISO timestamp");
      }
      int frac = digits(b, off + 20, off + len);
      for (int i = len - 20; i < 6; i++) {
        frac *= 10;
      }
      micros = frac;
    }
    long day = epochDay(digits(b, off, off + 4), digits(b, off + 5, off + 7),
        digits(b, off + 8, off + 10)) - PG_EPOCH_DAY;
    int h = digits(b, off + 11, off + 13);
    int m = digits(b, off + 14, off + 16);
    int s = digits(b, off + 17, off + 19);
    if (h > 23 || m > 59 || s > 59) {
      throw new Unsupported("not a valid time");
    }
    return ((day * 86_400L + h * 3600L + m * 60L + s) * 1_000_000L) + micros;
  }
}

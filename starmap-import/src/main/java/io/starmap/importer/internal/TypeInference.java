package io.starmap.importer.internal;

import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * The PostgreSQL type a column's values fit, one value at a time: each value has the narrowest
 * type that reads it exactly, and a column takes the {@link #join} of its values' types.
 *
 * <p>The rules, in the words of the import guide: {@code true}/{@code false}/{@code t}/{@code f}
 * (any case) are boolean; whole numbers without a leading zero are integer, or bigint beyond 32
 * bits, or numeric beyond 64; decimals ({@code 12.50}) are numeric, which keeps every digit;
 * exponents ({@code 1e5}) and {@code inf}/{@code nan} are double precision; a number with a
 * leading zero ({@code 000123}) is a code, text, because a number type would drop the zeros. ISO
 * dates are date, ISO date-times timestamp, with an offset or {@code Z} timestamptz; UUIDs are
 * uuid. Anything else is text.
 */
public final class TypeInference {
  private TypeInference() {}

  /** A column type, from the narrowest; {@link #NONE} is the type of a column of only NULLs. */
  public enum Type {
    /** No value seen yet (only NULLs). */
    NONE("text"),
    /** {@code true}, {@code false}, {@code t}, {@code f}. */
    BOOLEAN("boolean"),
    /** Whole numbers in 32 bits. */
    INTEGER("integer"),
    /** Whole numbers in 64 bits. */
    BIGINT("bigint"),
    /** Decimals, and whole numbers beyond 64 bits. */
    NUMERIC("numeric"),
    /** Numbers with an exponent, infinities, NaN. */
    DOUBLE("double precision"),
    /** ISO dates. */
    DATE("date"),
    /** ISO date-times without an offset. */
    TIMESTAMP("timestamp"),
    /** ISO date-times with an offset. */
    TIMESTAMPTZ("timestamptz"),
    /** UUIDs. */
    UUID("uuid"),
    /** Anything. */
    TEXT("text");

    private final String sql;

    Type(String sql) {
      this.sql = sql;
    }

    /** The type's name in SQL. */
    public String sql() {
      return sql;
    }

    boolean numeric() {
      return this == INTEGER || this == BIGINT || this == NUMERIC || this == DOUBLE;
    }

    boolean temporal() {
      return this == DATE || this == TIMESTAMP || this == TIMESTAMPTZ;
    }
  }

  /** The narrowest type that holds both: integers widen to numbers, dates to date-times. */
  public static Type join(Type a, Type b) {
    if (a == b || b == Type.NONE) {
      return a;
    }
    if (a == Type.NONE) {
      return b;
    }
    if ((a.numeric() && b.numeric()) || (a.temporal() && b.temporal())) {
      return a.ordinal() > b.ordinal() ? a : b;
    }
    return Type.TEXT;
  }

  /** The narrowest type that reads {@code v} exactly (not NULL: the caller takes those out). */
  public static Type of(String v) {
    int n = v.length();
    if (n == 0) {
      return Type.TEXT;
    }
    char c = v.charAt(0);
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.') {
      Type t = number(v);
      if (t != null) {
        return t;
      }
      if (n >= 10) {
        t = temporal(v);
        if (t != null) {
          return t;
        }
      }
    }
    if (n == 36 && uuid(v)) {
      return Type.UUID;
    }
    if (n <= 5 && bool(v)) {
      return Type.BOOLEAN;
    }
    if (n <= 9 && special(v)) {
      return Type.DOUBLE;
    }
    return Type.TEXT;
  }

  private static boolean bool(String v) {
    return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false") || v.equalsIgnoreCase("t")
        || v.equalsIgnoreCase("f");
  }

  private static boolean special(String v) {
    String s = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
    return s.equalsIgnoreCase("inf") || s.equalsIgnoreCase("infinity")
        || (s.equalsIgnoreCase("nan") && s.length() == v.length());
  }

  /** A number's type, or null when {@code v} is not a plain number or has a leading zero. */
  static Type number(String v) {
    int n = v.length();
    int i = v.charAt(0) == '-' || v.charAt(0) == '+' ? 1 : 0;
    int intStart = i;
    while (i < n && isDigit(v.charAt(i))) {
      i++;
    }
    int intDigits = i - intStart;
    int fracDigits = 0;
    boolean point = i < n && v.charAt(i) == '.';
    if (point) {
      i++;
      int f = i;
      while (i < n && isDigit(v.charAt(i))) {
        i++;
      }
      fracDigits = i - f;
    }
    if (intDigits + fracDigits == 0) {
      return v.substring(intStart).equalsIgnoreCase("inf")
          || v.substring(intStart).equalsIgnoreCase("infinity") ? Type.DOUBLE : null;
    }
    if (intDigits > 1 && v.charAt(intStart) == '0') {
      return null;
    }
    if (i == n) {
      return point ? Type.NUMERIC : wholeNumber(v, intDigits);
    }
    if (v.charAt(i) != 'e' && v.charAt(i) != 'E') {
      return null;
    }
    i++;
    if (i < n && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
      i++;
    }
    int e = i;
    while (i < n && isDigit(v.charAt(i))) {
      i++;
    }
    return i == n && i > e ? Type.DOUBLE : null;
  }

  private static Type wholeNumber(String v, int digits) {
    if (digits > 19) {
      return Type.NUMERIC;
    }
    try {
      long x = Long.parseLong(v);
      return x >= Integer.MIN_VALUE && x <= Integer.MAX_VALUE ? Type.INTEGER : Type.BIGINT;
    } catch (NumberFormatException e) {
      return Type.NUMERIC;
    }
  }

  /**
   * An ISO date ({@code 2024-01-31}), date-time ({@code 2024-01-31 12:00}, {@code T} or a space,
   * seconds and fraction optional) or date-time with an offset ({@code Z}, {@code +02},
   * {@code +02:00}, {@code +0200}); null for anything else.
   */
  static Type temporal(String v) {
    int n = v.length();
    if (n < 10 || v.charAt(4) != '-' || v.charAt(7) != '-' || !digits(v, 0, 4)
        || !digits(v, 5, 7) || !digits(v, 8, 10)) {
      return null;
    }
    try {
      // PostgreSQL has no year 0 (1 BC comes before 1 AD)
      if (num(v, 0, 4) == 0) {
        return null;
      }
      LocalDate.of(num(v, 0, 4), num(v, 5, 7), num(v, 8, 10));
    } catch (DateTimeException e) {
      return null;
    }
    if (n == 10) {
      return Type.DATE;
    }
    char sep = v.charAt(10);
    if ((sep != 'T' && sep != ' ') || n < 16 || v.charAt(13) != ':' || !digits(v, 11, 13)
        || !digits(v, 14, 16) || num(v, 11, 13) > 23 || num(v, 14, 16) > 59) {
      return null;
    }
    int i = 16;
    if (i < n && v.charAt(i) == ':') {
      if (n < 19 || !digits(v, 17, 19) || num(v, 17, 19) > 59) {
        return null;
      }
      i = 19;
      if (i < n && v.charAt(i) == '.') {
        int f = ++i;
        while (i < n && isDigit(v.charAt(i))) {
          i++;
        }
        if (i == f) {
          return null;
        }
      }
    }
    if (i == n) {
      return Type.TIMESTAMP;
    }
    return offset(v, i) ? Type.TIMESTAMPTZ : null;
  }

  private static boolean offset(String v, int i) {
    int n = v.length();
    if (v.charAt(i) == 'Z' && i + 1 == n) {
      return true;
    }
    if (v.charAt(i) != '+' && v.charAt(i) != '-') {
      return false;
    }
    String rest = v.substring(i + 1);
    return switch (rest.length()) {
      case 2, 4 -> digits(rest, 0, rest.length());
      case 5 -> rest.charAt(2) == ':' && digits(rest, 0, 2) && digits(rest, 3, 5);
      default -> false;
    };
  }

  private static boolean uuid(String v) {
    for (int i = 0; i < 36; i++) {
      char c = v.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : Character.digit(c, 16) < 0 || c > 'f') {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean digits(String v, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!isDigit(v.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static int num(String v, int from, int to) {
    return Integer.parseInt(v, from, to, 10);
  }
}

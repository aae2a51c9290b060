package io.starmap.store;

/**
 * The characters of Starmap's XML: which ones XML 1.0 forbids, their reversible escaped form, and
 * the markup escapes that keep every allowed character exactly as it was through a parser.
 */
final class XmlChars {
  private XmlChars() {}

  /** Whether {@code s} holds a UTF-16 unit that XML 1.0 cannot carry (a lone surrogate too). */
  static boolean forbidden(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (!allowed(c)) {
        return true;
      }
    }
    return false;
  }

  private static boolean allowed(char c) {
    return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c < 0xD800)
        || (c >= 0xE000 && c <= 0xFFFD);
  }

  /** {@code \} as {@code \\}, each forbidden unit as {@code \\uXXXX}; the rest as it is. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (c == '\\') {
        sb.append("\\\\");
      } else if (allowed(c)) {
        sb.append(c);
      } else {
        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return sb.toString();
  }

  /**
   * The string {@link #escape} was given.
   *
   * @throws IllegalArgumentException when {@code s} is not in the escaped form
   */
  static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        sb.append(c);
      } else if (i + 1 < s.length() && s.charAt(i + 1) == '\\') {
        sb.append('\\');
        i++;
      } else if (i + 5 < s.length() && s.charAt(i + 1) == 'u') {
        try {
          sb.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad escape at " + i + " of an escaped value", e);
        }
        i += 5;
      } else {
        throw new IllegalArgumentException("bad escape at " + i + " of an escaped value");
      }
    }
    return sb.toString();
  }

  /**
   * Appends {@code s}, whose characters XML allows, with the markup escaped and every character
   * beyond ASCII as a character reference.
   */
  static void appendEscaped(StringBuilder sb, String s, boolean attribute) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append(attribute ? "&quot;" : "\"");
        // a parser turns a raw CR into LF, and tabs and newlines of attributes into spaces
        case '\r' -> sb.append("&#13;");
        case '\n' -> sb.append(attribute ? "&#10;" : "\n");
        case '\t' -> sb.append(attribute ? "&#9;" : "\t");
        default -> {
          if (c < 0x7f) {
            sb.append(c);
          } else {
            // ASCII only: the document reads the same whatever encoding the terminal or pipe
            // it goes through uses (a POSIX locale's standard output is ASCII)
            int cp = s.codePointAt(i);
            sb.append("&#x").append(Integer.toHexString(cp)).append(';');
            i += Character.charCount(cp) - 1;
          }
        }
      }
    }
  }

  /** A double as its shortest exact decimal, with XML Schema's names of the infinities. */
  static String decimal(double d) {
    if (Double.isInfinite(d)) {
      return d > 0 ? "INF" : "-INF";
    }
    return Double.toString(d);
  }

  /** The double {@link #decimal} wrote. */
  static double parseDecimal(String s) {
    return switch (s) {
      case "INF" -> Double.POSITIVE_INFINITY;
      case "-INF" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }
}

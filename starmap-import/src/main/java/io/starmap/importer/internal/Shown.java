package io.starmap.importer.internal;

import java.util.List;
import java.util.StringJoiner;

/**
 * Text from the input as a message shows it: bounded, since one field of a file can be megabytes
 * long.
 */
final class Shown {
  private Shown() {}

  /** At most this many characters of one value. */
  static final int MAX_CHARS = 100;
  /** At most this many values of a list ({@link #list}). */
  static final int MAX_VALUES = 30;

  /**
   * The value, or its first {@link #MAX_CHARS} characters (UTF-16 units, a pair never split) and
   * its length in characters (code points).
   */
  static String value(String s) {
    if (s.length() <= MAX_CHARS) {
      return s;
    }
    int cut = Character.isHighSurrogate(s.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
    return s.substring(0, cut) + "... (" + s.codePointCount(0, s.length()) + " characters)";
  }

  /**
   * The values as a list prints them, each as {@link #value} shows it, the first {@link
   * #MAX_VALUES} at most.
   */
  static String list(List<String> values) {
    StringJoiner j = new StringJoiner(", ", "[", "]");
    for (int i = 0; i < values.size() && i < MAX_VALUES; i++) {
      j.add(value(values.get(i)));
    }
    if (values.size() > MAX_VALUES) {
      j.add("... (" + values.size() + " values)");
    }
    return j.toString();
  }
}

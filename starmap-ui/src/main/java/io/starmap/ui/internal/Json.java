package io.starmap.ui.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON the pages read: maps, lists, strings, numbers, booleans and null, written without a
 * library. {@code <}, {@code >} and {@code &} are escaped too, so a value can never close a tag.
 */
final class Json {
  private Json() {}

  static String of(Object value) {
    StringBuilder b = new StringBuilder(256);
    write(b, value);
    return b.toString();
  }

  private static void write(StringBuilder b, Object v) {
    switch (v) {
      case null -> b.append("null");
      case Boolean x -> b.append(x);
      // three decimals are all a page shows; Double.toString is valid JSON (1.0E7 too)
      case Double d -> b.append(Double.isFinite(d) ? Double.toString(Math.rint(d * 1000) / 1000)
          : "null");
      case Number n -> b.append(n);
      case Map<?, ?> m -> {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          b.append(first ? "" : ",");
          first = false;
          string(b, String.valueOf(e.getKey()));
          b.append(':');
          write(b, e.getValue());
        }
        b.append('}');
      }
      case Collection<?> c -> {
        b.append('[');
        boolean first = true;
        for (Object o : c) {
          b.append(first ? "" : ",");
          first = false;
          write(b, o);
        }
        b.append(']');
      }
      default -> string(b, v.toString());
    }
  }

  private static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
  }
}

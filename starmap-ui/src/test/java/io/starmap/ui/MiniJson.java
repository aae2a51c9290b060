package io.starmap.ui;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A JSON reader for the tests (the DevTools protocol's answers): maps, lists, strings, numbers. */
final class MiniJson {
  private final String s;
  private int i;

  private MiniJson(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    MiniJson p = new MiniJson(text);
    Object v = p.value();
    p.blank();
    if (p.i != text.length()) {
      throw new IllegalArgumentException("trailing text at " + p.i + " in " + text);
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  static Object at(Object json, String... path) {
    Object v = json;
    for (String key : path) {
      v = v instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(key)
          : v instanceof List<?> l ? l.get(Integer.parseInt(key)) : null;
    }
    return v;
  }

  private void blank() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private Object value() {
    blank();
    char c = s.charAt(i);
    if (c == '{') {
      Map<String, Object> m = new LinkedHashMap<>();
      i++;
      blank();
      if (s.charAt(i) == '}') {
        i++;
        return m;
      }
      do {
        blank();
        String k = string();
        blank();
        i++; // ':'
        m.put(k, value());
        blank();
      } while (s.charAt(i++) == ',');
      return m;
    }
    if (c == '[') {
      List<Object> l = new ArrayList<>();
      i++;
      blank();
      if (s.charAt(i) == ']') {
        i++;
        return l;
      }
      do {
        l.add(value());
        blank();
      } while (s.charAt(i++) == ',');
      return l;
    }
    if (c == '"') {
      return string();
    }
    int start = i;
    while (i < s.length() && "+-0123456789.eEtruefalsn".indexOf(s.charAt(i)) >= 0) {
      i++;
    }
    String word = s.substring(start, i);
    return switch (word) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      case "null" -> null;
      default -> Double.parseDouble(word);
    };
  }

  private String string() {
    StringBuilder b = new StringBuilder();
    i++; // opening quote
    while (true) {
      char c = s.charAt(i++);
      if (c == '"') {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char e = s.charAt(i++);
      switch (e) {
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'u' -> {
          b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
          i += 4;
        }
        default -> b.append(e);
      }
    }
  }
}

package io.starmap.cli;

import io.starmap.store.XmlOutput;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints rows of data as an aligned table, CSV, JSON or XML: the one way every command prints
 * data. Numbers are right-aligned in tables; JSON keeps numbers as numbers and nulls as null; XML
 * is a {@code <view>} of {@code <row>} elements with typed values ({@link XmlOutput}), numbers at
 * full precision.
 */
public final class Table {
  /** The formats of {@code --format}. */
  public enum Format { TABLE, CSV, JSON, XML }

  private final List<String> columns;
  private final List<List<Object>> rows = new ArrayList<>();
  private String view;

  /** A table with these column names. */
  public Table(List<String> columns) {
    this.columns = List.copyOf(columns);
  }

  /** A table with these column names. */
  public static Table of(String... columns) {
    return new Table(List.of(columns));
  }

  /**
   * Adds a row; values are printed with {@code toString}, doubles with 3 decimals (1 from 100 on),
   * and with 3 significant digits below 1.
   */
  public Table row(Object... values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException("row has " + values.length + " values for "
          + columns.size() + " columns " + columns);
    }
    rows.add(java.util.Arrays.asList(values));
    return this;
  }

  /** Names the view, the {@code name} of the XML root: the command that prints it. */
  public Table view(String name) {
    this.view = name;
    return this;
  }

  /** The rows added so far. */
  public int size() {
    return rows.size();
  }

  /** Prints in {@code format}; an unnamed view is {@code rows} in XML. */
  public void print(PrintWriter out, Format format) {
    print(out, format, "rows");
  }

  /** Prints in {@code format}; an unnamed view takes the name {@code view} in XML. */
  public void print(PrintWriter out, Format format, String view) {
    if (this.view == null) {
      this.view = view;
    }
    switch (format) {
      case TABLE -> printTable(out);
      case CSV -> printCsv(out);
      case JSON -> printJson(out);
      case XML -> printXml(out);
    }
    out.flush();
  }

  private static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 1e15) {
        return String.format(Locale.ROOT, "%.0f", d);
      }
      if (Math.abs(d) < 1 && Double.isFinite(d)) {
        // Three significant digits: a task of 12 us shows as 0.000012 s, not as 0.000.
        return threeSignificant(d);
      }
      return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.1f" : "%.3f", d);
    }
    return v.toString();
  }

  /**
   * {@code d} (not 0, below 1 in magnitude) to three significant digits, in plain notation without
   * trailing zeros: 1.2345e-5 is {@code 0.0000123}. The digits are those of {@code %e}: the
   * shortest decimal form of {@code d} rounded half up (0.1235 is {@code 0.124}, as it reads). Not
   * {@code BigDecimal}, whose class initialisation on JDK 25 (it computes 5^65536) costs 20-30 ms
   * of CPU, once per process, at the end of every import.
   */
  static String threeSignificant(double d) {
    String e = String.format(Locale.ROOT, "%.2e", Math.abs(d)); // "1.23e-05"
    int exp = Integer.parseInt(e, 5, e.length(), 10);
    int last = 3;
    while (last > 1 && e.charAt(last) == '0') {
      last--;
    }
    String digits = e.charAt(0) + e.substring(2, last + 1); // "123", "12", "1"
    StringBuilder sb = new StringBuilder(digits.length() - exp + 2);
    if (d < 0) {
      sb.append('-');
    }
    if (exp < 0) {
      sb.append("0.").repeat('0', -exp - 1).append(digits);
    } else { // rounded up to 1 (below 1 with exp = 0 only then): "1.00e+00"
      sb.append(digits, 0, 1 + exp);
      if (digits.length() > 1 + exp) {
        sb.append('.').append(digits, 1 + exp, digits.length());
      }
    }
    return sb.toString();
  }

  private void printTable(PrintWriter out) {
    int n = columns.size();
    int[] width = new int[n];
    boolean[] numeric = new boolean[n];
    java.util.Arrays.fill(numeric, true);
    for (int i = 0; i < n; i++) {
      width[i] = columns.get(i).length();
    }
    for (List<Object> row : rows) {
      for (int i = 0; i < n; i++) {
        Object v = row.get(i);
        width[i] = Math.max(width[i], text(v).length());
        if (v != null && !(v instanceof Number)) {
          numeric[i] = false;
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, columns.stream().map(c -> (Object) c).toList(), width, numeric, true);
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    out.println(sb.toString().stripTrailing());
    out.print(sb.delete(0, sb.length()));
    for (List<Object> row : rows) {
      line(sb, row, width, numeric, false);
    }
    out.print(sb);
    out.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
  }

  private static void line(StringBuilder sb, List<Object> values, int[] width,
      boolean[] numeric, boolean header) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < width.length; i++) {
      String t = text(values.get(i));
      if (i > 0) {
        l.append(" | ");
      }
      String pad = " ".repeat(width[i] - t.length());
      l.append(numeric[i] && !header ? pad + t : t + pad);
    }
    sb.append(l.toString().stripTrailing()).append('\n');
  }

  private void printCsv(PrintWriter out) {
    out.println(String.join(",", columns.stream().map(Table::csv).toList()));
    for (List<Object> row : rows) {
      out.println(String.join(",", row.stream().map(v -> csv(text(v))).toList()));
    }
  }

  private static String csv(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }

  private void printJson(PrintWriter out) {
    StringBuilder sb = new StringBuilder("[");
    for (int r = 0; r < rows.size(); r++) {
      sb.append(r == 0 ? "\n  {" : ",\n  {");
      for (int i = 0; i < columns.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(json(columns.get(i))).append(": ");
        Object v = rows.get(r).get(i);
        if (v == null) {
          sb.append("null");
        } else if (v instanceof Number num && Double.isFinite(num.doubleValue())) {
          sb.append(v instanceof Double || v instanceof Float ? text(v) : v.toString());
        } else if (v instanceof Boolean) {
          sb.append(v);
        } else {
          sb.append(json(v.toString()));
        }
      }
      sb.append('}');
    }
    sb.append(rows.isEmpty() ? "]" : "\n]");
    out.println(sb);
  }

  private void printXml(PrintWriter out) {
    try (XmlOutput xml = XmlOutput.to(out)) {
      writeXml(xml);
    }
  }

  /** Writes this table as one {@code <view>} element of a larger document. */
  void writeXml(XmlOutput xml) {
    xml.start("view", view == null ? "rows" : view);
    for (List<Object> row : rows) {
      xml.row(columns, row);
    }
    xml.end();
  }

  /** A JSON string literal. */
  public static String json(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}

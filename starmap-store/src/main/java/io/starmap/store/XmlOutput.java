package io.starmap.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Writes Starmap's XML as it goes, element by element, straight to a {@link Writer}: the memory
 * it holds is the stack of open elements, whatever the number of rows. A view is a {@code <view
 * name="...">} of {@code <row>} elements, each with one {@code <col name="..." type="...">} per
 * column; {@link H5Xml} writes stored results with it. The structure is described in the
 * calculations guide.
 *
 * <p>Text that XML 1.0 cannot hold (control characters other than tab, newline and carriage
 * return, lone surrogates, U+FFFE and U+FFFF) is written in an escaped form, {@code \\} for a
 * backslash and {@code \\uXXXX} for each such UTF-16 unit, and the element says so with {@code
 * escaped="true"}: the {@code name} attribute and the text of that element are then both in the
 * escaped form, and {@link H5Xml#read} gives back the exact string. Carriage returns, and tabs and
 * newlines in attributes, are written as character references, which a parser does not normalise;
 * so is every character beyond ASCII, so that the document is ASCII and reads the same whatever
 * encoding the stream it goes through uses.
 */
public final class XmlOutput implements AutoCloseable {
  private final Writer out;
  private final Deque<String> open = new ArrayDeque<>();
  private boolean inStartTag;

  private XmlOutput(Writer out) {
    this.out = out;
  }

  /**
   * Starts a document: writes the XML declaration. The document is ASCII, so {@code out} may use
   * any encoding that extends ASCII.
   *
   * @param out where the document goes; buffered by the caller, not closed by {@link #close}
   * @return the writer of the document
   * @throws UncheckedIOException when {@code out} fails
   */
  public static XmlOutput to(Writer out) {
    XmlOutput x = new XmlOutput(out);
    x.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    return x;
  }

  /**
   * The XML Schema of Starmap's documents ({@code <view>}, {@code <group>}, {@code
   * <calculation>}), shipped in this module's jar.
   *
   * @return where to read it, for {@link javax.xml.validation.SchemaFactory#newSchema(java.net.URL)}
   */
  public static java.net.URL schema() {
    return XmlOutput.class.getResource("starmap.xsd");
  }

  /**
   * Opens an element with a {@code name} attribute, such as {@code <view name="tasks">}.
   *
   * @param element the element, one of Starmap's ({@code view}, {@code row}, {@code group}...)
   * @param name the value of its {@code name} attribute, any string; null for none
   * @return this writer
   * @throws IllegalArgumentException naming {@code element} when it is not a plain XML name
   */
  public XmlOutput start(String element, String name) {
    checkName(element);
    closeStartTag();
    write(indent() + "<" + element);
    open.push(element);
    inStartTag = true;
    if (name != null) {
      boolean escaped = XmlChars.forbidden(name);
      attribute("name", escaped ? XmlChars.escape(name) : name);
      if (escaped) {
        attribute("escaped", "true");
      }
    }
    return this;
  }

  /**
   * Adds an attribute to the element just opened, before its content.
   *
   * @param attribute the attribute's name
   * @param value its value, made of characters XML allows
   * @return this writer
   * @throws IllegalStateException when the element already has content
   */
  public XmlOutput attribute(String attribute, String value) {
    if (!inStartTag) {
      throw new IllegalStateException("attribute " + attribute + " after the content of <"
          + open.peek() + ">");
    }
    checkName(attribute);
    StringBuilder sb = new StringBuilder(" ").append(attribute).append("=\"");
    XmlChars.appendEscaped(sb, value, true);
    write(sb.append('"').toString());
    return this;
  }

  /**
   * Closes the element opened last.
   *
   * @return this writer
   * @throws IllegalStateException when no element is open
   */
  public XmlOutput end() {
    if (open.isEmpty()) {
      throw new IllegalStateException("no element to close");
    }
    String element = open.pop();
    if (inStartTag) {
      write("/>\n");
      inStartTag = false;
    } else {
      write(indent() + "</" + element + ">\n");
    }
    return this;
  }

  /**
   * Writes one typed value, {@code <element name="..." type="...">text</element>}: {@code int64}
   * for integers, {@code float64} for floating point (shortest exact decimal, {@code INF}, {@code
   * -INF}, {@code NaN}), {@code decimal} for a {@link BigDecimal} (every digit, no exponent),
   * {@code boolean}, {@code null} (an empty element), and {@code string} for anything else, as
   * {@code toString} gives it.
   *
   * @param element the element's name
   * @param name its {@code name} attribute; null for none
   * @param value the value
   * @return this writer
   */
  public XmlOutput value(String element, String name, Object value) {
    String type = switch (value) {
      case null -> "null";
      case Long l -> "int64";
      case Integer i -> "int64";
      case Short s -> "int64";
      case Byte b -> "int64";
      case BigInteger b -> "int64";
      case Double d -> "float64";
      case Float f -> "float64";
      case BigDecimal b -> "decimal";
      case Boolean b -> "boolean";
      default -> "string";
    };
    String text = switch (value) {
      case null -> "";
      case BigDecimal b -> b.toPlainString();
      case Double d -> XmlChars.decimal(d);
      case Float f -> XmlChars.decimal(f);
      default -> value.toString();
    };
    return text(element, name, type, text);
  }

  /**
   * Writes one element of text, escaped when XML cannot hold it as it is.
   *
   * @param element the element's name
   * @param name its {@code name} attribute; null for none
   * @param type its {@code type} attribute; null for none
   * @param text its text
   * @return this writer
   */
  public XmlOutput text(String element, String name, String type, String text) {
    checkName(element);
    boolean escaped = (name != null && XmlChars.forbidden(name)) || XmlChars.forbidden(text);
    closeStartTag();
    StringBuilder sb = new StringBuilder(indent()).append('<').append(element);
    if (name != null) {
      sb.append(" name=\"");
      XmlChars.appendEscaped(sb, escaped ? XmlChars.escape(name) : name, true);
      sb.append('"');
    }
    if (type != null) {
      sb.append(" type=\"").append(type).append('"');
    }
    if (escaped) {
      sb.append(" escaped=\"true\"");
    }
    if (text.isEmpty()) {
      write(sb.append("/>\n").toString());
      return this;
    }
    sb.append('>');
    XmlChars.appendEscaped(sb, escaped ? XmlChars.escape(text) : text, false);
    write(sb.append("</").append(element).append(">\n").toString());
    return this;
  }

  /**
   * Writes one row of a view: {@code <row>} with a {@code <col>} per column.
   *
   * @param columns the columns' names
   * @param values the values, one per column (see {@link #value})
   * @return this writer
   * @throws IllegalArgumentException when the counts differ
   */
  public XmlOutput row(List<String> columns, List<?> values) {
    if (columns.size() != values.size()) {
      throw new IllegalArgumentException("row has " + values.size() + " values for "
          + columns.size() + " columns " + columns);
    }
    start("row", null);
    for (int i = 0; i < columns.size(); i++) {
      value("col", columns.get(i), values.get(i));
    }
    return end();
  }

  /**
   * Closes the elements still open and flushes; does not close the underlying writer.
   *
   * @throws UncheckedIOException when the writer fails
   */
  @Override
  public void close() {
    while (!open.isEmpty()) {
      end();
    }
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write XML: " + e.getMessage(), e);
    }
  }

  /** Element and attribute names are Starmap's own: plain ASCII names, checked at once. */
  private static void checkName(String name) {
    if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
      throw new IllegalArgumentException("'" + name + "' is not an XML element or attribute"
          + " name");
    }
  }

  private void closeStartTag() {
    if (inStartTag) {
      write(">\n");
      inStartTag = false;
    }
  }

  private String indent() {
    return "  ".repeat(open.size());
  }

  private void write(String s) {
    try {
      out.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write XML: " + e.getMessage(), e);
    }
  }
}

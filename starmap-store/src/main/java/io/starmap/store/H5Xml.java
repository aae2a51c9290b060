package io.starmap.store;

import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * The XML side of the persistence protocol, beside HDF5: whatever an {@link H5Writable} writes
 * into its group is written as XML, and an {@link H5Readable} reads it back from that XML into the
 * same object, with no XML code of its own. A group is {@code <group name="...">} holding {@code
 * <attribute name="..." type="...">}, {@code <dataset name="..." type="..." length="N">} (one
 * {@code <v>} per value) and child groups; types are {@code int64}, {@code float64}, {@code
 * uint8}, {@code string}, and {@code int64[]}/{@code float64[]} for array attributes. Strings
 * that XML cannot hold are escaped as {@link XmlOutput} says, and come back exactly.
 *
 * <pre>{@code
 * H5Xml.write(summaryTable, "summary", writer);                // like calc.put
 * H5Table back = H5Xml.read(reader, H5Table::readFrom);        // like Datastore.read
 * }</pre>
 */
public final class H5Xml {
  private H5Xml() {}

  /**
   * Writes {@code value} as an XML document whose root is its group.
   *
   * @param value the object to write
   * @param name the name of its group, as the key it would be stored under
   * @param out where the document goes; flushed, not closed
   * @throws java.io.UncheckedIOException when {@code out} fails
   */
  public static void write(H5Writable value, String name, Writer out) {
    H5Group group = new H5Group(name);
    value.writeTo(group);
    try (XmlOutput x = XmlOutput.to(out)) {
      write(group, x);
    }
  }

  /**
   * Writes {@code group}, its attributes, datasets and child groups, as one {@code <group>}
   * element of a larger document.
   *
   * @param group the group
   * @param out the document being written
   */
  public static void write(H5Group group, XmlOutput out) {
    out.start("group", group.name());
    for (Map.Entry<String, Object> a : group.attributes().entrySet()) {
      switch (a.getValue()) {
        case long[] v -> array(out.start("attribute", a.getKey()), "int64[]", v);
        case double[] v -> array(out.start("attribute", a.getKey()), "float64[]", v);
        case Object v -> out.value("attribute", a.getKey(), v);
      }
    }
    for (String d : group.datasetNames()) {
      Object v = group.dataset(d);
      String type = switch (v) {
        case long[] l -> "int64";
        case double[] l -> "float64";
        case byte[] l -> "uint8";
        default -> "string";
      };
      out.start("dataset", d).attribute("type", type)
          .attribute("length", Integer.toString(java.lang.reflect.Array.getLength(v)));
      values(out, v);
      out.end();
    }
    for (String g : group.groupNames()) {
      write(group.child(g), out);
    }
    out.end();
  }

  private static void array(XmlOutput out, String type, Object values) {
    out.attribute("type", type);
    values(out, values);
    out.end();
  }

  private static void values(XmlOutput out, Object values) {
    switch (values) {
      case long[] a -> {
        for (long v : a) {
          out.text("v", null, null, Long.toString(v));
        }
      }
      case double[] a -> {
        for (double v : a) {
          out.text("v", null, null, XmlChars.decimal(v));
        }
      }
      case byte[] a -> {
        for (byte v : a) {
          out.text("v", null, null, Integer.toString(v & 0xff));
        }
      }
      case String[] a -> {
        for (String v : a) {
          out.text("v", null, null, v);
        }
      }
      default -> throw new IllegalArgumentException("unsupported array "
          + values.getClass().getSimpleName());
    }
  }

  /**
   * The object written as XML by {@link #write(H5Writable, String, Writer)}.
   *
   * @param <T> the type read
   * @param in the document
   * @param reader rebuilds the object from its group, as from an HDF5 datastore
   * @return the object
   * @throws IllegalArgumentException when the document is not Starmap's XML of a group
   */
  public static <T> T read(Reader in, H5Readable<T> reader) {
    return reader.readFrom(read(in));
  }

  /**
   * The group a document holds.
   *
   * @param in a document whose root is a {@code <group>}
   * @return the group, with its attributes, datasets and child groups
   * @throws IllegalArgumentException naming the line when the document is not Starmap's XML of a
   *     group
   */
  public static H5Group read(Reader in) {
    XMLStreamReader r = null;
    try {
      r = factory().createXMLStreamReader(in);
      r.nextTag();
      expect(r, "group");
      H5Group root = new H5Group(name(r));
      readGroup(r, root);
      return root;
    } catch (XMLStreamException | RuntimeException e) {
      String where = r == null ? "" : " at line " + r.getLocation().getLineNumber();
      throw new IllegalArgumentException("not Starmap's XML of a group" + where + ": "
          + e.getMessage(), e);
    }
  }

  private static XMLInputFactory factory() {
    XMLInputFactory f = XMLInputFactory.newFactory();
    // A document is data: no DTD, no external entity may reach a file or the network.
    f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setProperty(XMLInputFactory.IS_COALESCING, true);
    return f;
  }

  private static void readGroup(XMLStreamReader r, H5Group g) throws XMLStreamException {
    while (r.nextTag() == XMLStreamConstants.START_ELEMENT) {
      String name = name(r);
      String type = r.getAttributeValue(null, "type");
      switch (r.getLocalName()) {
        case "group" -> readGroup(r, g.group(name));
        case "dataset" -> put(g, name, r.getAttributeValue(null, "length"),
            dataset(type, texts(r)));
        case "attribute" -> g.attr(name, attribute(r, type));
        default -> throw new IllegalArgumentException("unexpected <" + r.getLocalName() + ">");
      }
    }
  }

  private static void put(H5Group g, String name, String length, Object values) {
    int n = java.lang.reflect.Array.getLength(values);
    if (length != null && !length.equals(Integer.toString(n))) {
      throw new IllegalArgumentException("dataset " + name + " has " + n + " values, not its"
          + " length " + length);
    }
    switch (values) {
      case long[] a -> g.put(name, a);
      case double[] a -> g.put(name, a);
      case byte[] a -> g.put(name, a);
      case String[] a -> g.put(name, a);
      default -> throw new IllegalStateException("unreachable");
    }
  }

  private static Object dataset(String type, List<String> texts) {
    int n = texts.size();
    switch (String.valueOf(type)) {
      case "int64" -> {
        return texts.stream().mapToLong(Long::parseLong).toArray();
      }
      case "float64" -> {
        return texts.stream().mapToDouble(XmlChars::parseDecimal).toArray();
      }
      case "uint8" -> {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
          b[i] = (byte) Integer.parseInt(texts.get(i));
        }
        return b;
      }
      case "string" -> {
        return texts.toArray(new String[0]);
      }
      default -> throw new IllegalArgumentException("unknown dataset type " + type);
    }
  }

  private static Object attribute(XMLStreamReader r, String type) throws XMLStreamException {
    return switch (String.valueOf(type)) {
      case "int64[]" -> dataset("int64", texts(r));
      case "float64[]" -> dataset("float64", texts(r));
      case "int64" -> Long.parseLong(text(r));
      case "float64" -> XmlChars.parseDecimal(text(r));
      case "string" -> text(r);
      default -> throw new IllegalArgumentException("unknown attribute type " + type);
    };
  }

  /** The {@code <v>} children of the current element, which ends there. */
  private static List<String> texts(XMLStreamReader r) throws XMLStreamException {
    List<String> out = new ArrayList<>();
    while (r.nextTag() == XMLStreamConstants.START_ELEMENT) {
      expect(r, "v");
      out.add(text(r));
    }
    return out;
  }

  private static String text(XMLStreamReader r) throws XMLStreamException {
    boolean escaped = escaped(r);
    String t = r.getElementText();
    return escaped ? XmlChars.unescape(t) : t;
  }

  private static String name(XMLStreamReader r) {
    String name = r.getAttributeValue(null, "name");
    if (name == null) {
      throw new IllegalArgumentException("<" + r.getLocalName() + "> without a name");
    }
    return escaped(r) ? XmlChars.unescape(name) : name;
  }

  private static boolean escaped(XMLStreamReader r) {
    return "true".equals(r.getAttributeValue(null, "escaped"));
  }

  private static void expect(XMLStreamReader r, String element) {
    if (!r.getLocalName().equals(element)) {
      throw new IllegalArgumentException("expected <" + element + ">, not <"
          + r.getLocalName() + ">");
    }
  }
}

package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.xml.sax.InputSource;

/** Results written as XML come back exactly, whatever their strings and numbers. */
class H5XmlProperties {

  /** Any UTF-16 units: controls, lone surrogates, U+FFFE/FFFF, backslashes, markup. */
  @Provide
  Arbitrary<String> anyString() {
    char[] tricky = {'\u0000', '\u0001', '\u001f', '\t', '\n', '\r',
        '\\', 'u', '&', '<', '>', '"', '\'', '\ud800', '\udc00', '\ufffe', '\uffff', ' ', ']'};
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars(tricky).ofMaxLength(20)),
        net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars("\\u00af").ofMaxLength(12)));
  }

  @Property
  void aStringColumnRoundTripsExactly(@ForAll @Size(max = 8) List<@From("anyString") String> values,
      @ForAll("anyString") String name) {
    String column = name.isBlank() || name.contains("/") || name.equals(".") || name.equals("..")
        || name.contains(",") ? "c" : name;
    H5Table table = H5Table.builder().column(column, values.toArray(new String[0]))
        .column("n", values.stream().mapToLong(String::length).toArray()).build();
    String xml = xml(table);
    assertThat(H5Xml.read(new StringReader(xml), H5Table::readFrom)).isEqualTo(table);
    assertWellFormed(xml);
  }

  @Property
  void attributesAndNumbersRoundTripExactly(@ForAll("anyString") String text,
      @ForAll long n, @ForAll double d, @ForAll @Size(max = 5) List<Double> ds) {
    H5Group g = new H5Group("result");
    g.attr("text", text).attr("n", n).attr("d", d)
        .attr("ds", ds.stream().mapToDouble(Double::doubleValue).toArray());
    g.group("inner").put("bytes", new byte[] {0, 1, (byte) 255}).put("x", new double[] {d, -0.0});
    StringWriter out = new StringWriter();
    H5Xml.write(x -> copy(g, x), "result", out);
    H5Group back = H5Xml.read(new StringReader(out.toString()));
    assertThat(back.attrString("text")).isEqualTo(text);
    assertThat(back.attrLong("n")).isEqualTo(n);
    assertThat(Double.doubleToRawLongBits(back.attrDouble("d")))
        .isEqualTo(Double.doubleToRawLongBits(d));
    assertThat((double[]) back.attributes().get("ds"))
        .containsExactly(ds.stream().mapToDouble(Double::doubleValue).toArray());
    assertThat((byte[]) back.child("inner").dataset("bytes")).containsExactly(0, 1, (byte) 255);
    assertThat(back.child("inner").doubles("x")).containsExactly(d, -0.0);
    assertWellFormed(out.toString());
  }

  private static void copy(H5Group from, H5Group to) {
    from.attributes().forEach(to::attr);
    H5Group inner = from.child("inner");
    to.group("inner").put("bytes", (byte[]) inner.dataset("bytes")).put("x", inner.doubles("x"));
  }

  static String xml(H5Writable value) {
    StringWriter out = new StringWriter();
    H5Xml.write(value, "summary", out);
    return out.toString();
  }

  /**
   * A second, independent parser (DOM) accepts the document as XML 1.0, and it is valid against
   * the schema in the jar.
   */
  static void assertWellFormed(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
      SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(XmlOutput.schema())
          .newValidator().validate(new StreamSource(new StringReader(xml)));
    } catch (Exception e) {
      throw new AssertionError("not well-formed: " + e.getMessage() + "\n" + xml, e);
    }
  }
}

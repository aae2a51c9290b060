package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** {@code --format xml} of any table: what {@code sql}, {@code gen}, {@code import} print. */
class TableXmlTest {
  static String xml(Table t) {
    StringWriter out = new StringWriter();
    t.print(new PrintWriter(out), Table.Format.XML);
    return out.toString();
  }

  @Test
  void anyColumnNameAndEveryTypeOfValue() throws Exception {
    Table t = Table.of("count(*)", "ok", "none", "x", "amount", "tab\tname", "ctl\u0002")
        .row(3L, true, null, 1.0 / 3, new BigDecimal("1.250E+3"), "a\tb", "\uffff")
        .view("sql");
    Element root = XmlFormatTest.parse(xml(t)).getDocumentElement();
    assertThat(root.getAttribute("name")).isEqualTo("sql");
    Element row = XmlFormatTest.children(root, "row").get(0);
    List<Element> cols = XmlFormatTest.children(row, "col");
    assertThat(cols).extracting(c -> c.getAttribute("type"))
        .containsExactly("int64", "boolean", "null", "float64", "decimal", "string", "string");
    assertThat(cols).extracting(Element::getTextContent)
        .containsExactly("3", "true", "", "0.3333333333333333", "1250", "a\tb", "\\uffff");
    assertThat(cols.get(5).getAttribute("name")).isEqualTo("tab\tname");
    assertThat(cols.get(6).getAttribute("name")).isEqualTo("ctl\\u0002");
    assertThat(cols.get(6).getAttribute("escaped")).isEqualTo("true");
  }

  @Test
  void anEmptyUnnamedTableIsAnEmptyView() throws Exception {
    String xml = xml(Table.of("a"));
    Element root = XmlFormatTest.parse(xml).getDocumentElement();
    assertThat(root.getAttribute("name")).isEqualTo("rows");
    assertThat(XmlFormatTest.children(root, "row")).isEmpty();
  }
}

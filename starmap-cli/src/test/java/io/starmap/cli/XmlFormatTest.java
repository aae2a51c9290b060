package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.store.CalculationStore;
import io.starmap.store.Datastore;
import io.starmap.store.H5Table;
import io.starmap.store.H5Xml;
import io.starmap.store.XmlOutput;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** {@code --format xml}: views, stored results and whole calculations, parsed back. */
@Timeout(120)
class XmlFormatTest {
  @TempDir Path home;
  @RegisterExtension final TempHome useHome = TempHome.eachTest(() -> home);

  static final H5Table SUMMARY = H5Table.builder()
      .column("name", "plain", "bell\u0007", "caf\u00e9 \ud83d\ude00", "lone \ud800", "a\\u0041")
      .column("n", 1L, -2L, Long.MAX_VALUE, 0L, 5L)
      .column("x", 0.1, Double.NaN, Double.NEGATIVE_INFINITY, -0.0, 1e300)
      .build();

  long record() {
    return TwentyFiveTasks.record(home, "xml <&> \"quoted\"", calc -> {
      calc.log(System.Logger.Level.INFO, "a control \u0001 char\r\nand a CR");
      calc.put("results/summary", SUMMARY);
      calc.complete();
    });
  }

  /** The document, parsed and checked against the schema that the store's jar ships. */
  static Document parse(String xml) throws Exception {
    SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(XmlOutput.schema())
        .newValidator().validate(new StreamSource(new StringReader(xml)));
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }

  static List<Element> children(Element e, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = e.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element c && c.getTagName().equals(name)) {
        out.add(c);
      }
    }
    return out;
  }

  static Element col(Element row, String name) {
    return children(row, "col").stream().filter(c -> c.getAttribute("name").equals(name))
        .findFirst().orElseThrow();
  }

  @Test
  void everyViewIsAViewOfTypedRows() throws Exception {
    long id = record();
    Cli.Result tasks = Cli.run("show", "tasks", String.valueOf(id), "--format", "xml");
    assertThat(tasks.code()).as(tasks.err()).isZero();
    Element root = parse(tasks.out()).getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("view");
    assertThat(root.getAttribute("name")).isEqualTo("tasks");
    List<Element> rows = children(root, "row");
    assertThat(rows).hasSize(25);
    assertThat(col(rows.get(0), "task_no").getAttribute("type")).isEqualTo("int64");
    assertThat(col(rows.get(0), "duration_sec").getAttribute("type")).isEqualTo("float64");
    assertThat(col(rows.get(0), "task").getTextContent()).isEqualTo("work");

    Cli.Result log = Cli.run("show", "log", String.valueOf(id), "--format", "xml");
    Element message = children(parse(log.out()).getDocumentElement(), "row").stream()
        .map(r -> col(r, "message")).filter(m -> m.getTextContent().startsWith("a control"))
        .findFirst().orElseThrow();
    assertThat(message.getAttribute("escaped")).isEqualTo("true");
    assertThat(message.getTextContent()).isEqualTo("a control \\u0001 char\r\nand a CR");

    Cli.Result list = Cli.run("calcs", "list", "--format", "xml");
    Element calcs = parse(list.out()).getDocumentElement();
    assertThat(calcs.getAttribute("name")).isEqualTo("calcs list");
    assertThat(col(children(calcs, "row").get(0), "description").getTextContent())
        .isEqualTo("xml <&> \"quoted\"");
  }

  @Test
  void aStoredResultPrintsAsXmlThatReadsBackIntoTheSameObject() throws Exception {
    long id = record();
    Cli.Result names = Cli.run("show", "results", String.valueOf(id), "--format", "csv");
    assertThat(names.out()).contains("results/summary," + H5Table.class.getName() + ",3");
    Cli.Result xml = Cli.run("show", "results", String.valueOf(id), "summary", "--format", "xml");
    assertThat(xml.code()).as(xml.err()).isZero();
    parse(xml.out());
    assertThat(xml.out()).isEqualTo(xml.out().replaceAll("[^\\x09\\x0a\\x20-\\x7e]", ""));
    // the same object as the datastore holds (HDF5's UTF-8 strings cannot hold a lone surrogate)
    H5Table stored;
    try (CalculationStore store = CalculationStore.open(home)) {
      stored = Datastore.read(store.datastorePath(id), "results/summary", H5Table::readFrom);
    }
    H5Table back = H5Xml.read(new StringReader(xml.out()), H5Table::readFrom);
    assertThat(back).isEqualTo(stored);
    assertThat(back.strings("name")).startsWith("plain", "bell\u0007", "caf\u00e9 \ud83d\ude00");
    assertThat(back.longs("n")).isEqualTo(SUMMARY.longs("n"));
    assertThat(back.doubles("x")).isEqualTo(SUMMARY.doubles("x"));
    Cli.Result csv = Cli.run("show", "results", String.valueOf(id), "results/summary",
        "--format", "csv");
    assertThat(csv.out()).startsWith("name,n,x\nplain,1,0.1\n");
    Cli.Result missing = Cli.run("show", "results", String.valueOf(id), "nothing");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("stored no result nothing", "results/summary");
  }

  @Test
  void aCalculationExportsWholeAsXml() throws Exception {
    long id = record();
    Path file = home.resolve("calc.xml");
    Cli.Result export = Cli.run("calcs", "export", String.valueOf(id), "--format", "xml",
        "-o", file.toString());
    assertThat(export.code()).as(export.err()).isZero();
    Element root = parse(Files.readString(file)).getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("calculation");
    assertThat(root.getAttribute("id")).isEqualTo(String.valueOf(id));
    assertThat(children(root, "view").stream().map(v -> v.getAttribute("name")))
        .containsExactly("record", "performance", "task-info", "tasks", "transfer", "runs",
            "log");
    assertThat(children(children(root, "view").get(3), "row")).hasSize(25);
    Element results = children(root, "results").get(0);
    Element group = children(results, "group").get(0);
    assertThat(group.getAttribute("name")).isEqualTo("results");
    assertThat(children(group, "group").get(0).getAttribute("name")).isEqualTo("summary");

    Cli.Result stdout = Cli.run("calcs", "export", String.valueOf(id), "--format", "xml");
    assertThat(stdout.out()).isEqualTo(Files.readString(file));
    Cli.Result table = Cli.run("calcs", "export", String.valueOf(id));
    assertThat(table.code()).isEqualTo(2);
    assertThat(table.err()).contains("--format xml");
  }
}

package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GenCommandTest {
  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cl = StarmapCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void genPricesWritesTheFilesAndSaysWhat() throws Exception {
    int rc = run("gen", "prices", tmp.toString(), "--days", "5", "--securities", "120",
        "--files-per-day", "3", "--format", "csv");

    assertThat(rc).as(err.toString()).isZero();
    try (var files = Files.list(tmp)) {
      assertThat(files.count()).isEqualTo(15);
    }
    String[] lines = out.toString().strip().split("\n");
    assertThat(lines[0]).isEqualTo("directory,files,rows,MB,seconds,MB/s");
    assertThat(lines[1]).startsWith(tmp + ",15,600,");
    assertThat(Files.readAllLines(tmp.resolve("prices-2015-07-06-0000.csv"))).hasSize(40)
        .first().asString().startsWith("000000,2015-07-06,");
  }

  @Test
  void genPrintsItsSummaryAsXml() throws Exception {
    int rc = run("gen", "prices", tmp.toString(), "--days", "1", "--securities", "10",
        "--format", "xml");
    assertThat(rc).as(err.toString()).isZero();
    org.w3c.dom.Element root = XmlFormatTest.parse(out.toString()).getDocumentElement();
    assertThat(root.getAttribute("name")).isEqualTo("gen");
    org.w3c.dom.Element row = XmlFormatTest.children(root, "row").get(0);
    assertThat(XmlFormatTest.col(row, "rows").getTextContent()).isEqualTo("10");
    assertThat(XmlFormatTest.col(row, "rows").getAttribute("type")).isEqualTo("int64");
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(run("gen", "prices", tmp.toString(), "--days", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("days must be positive, got 0");
  }
}

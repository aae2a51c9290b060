package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A view of 1,000,000 rows is written as XML in constant memory: a JVM with a 16 MB heap writes
 * it, while the same rows held in a list do not fit in that heap (the control). The document is
 * parsed back as it arrives, row by row.
 */
@Timeout(600)
class XmlConstantMemoryIT {
  static final int ROWS = 1_000_000;
  @TempDir Path dir;

  Process child(String mode, Path err) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(List.of(java.toString(), "-Xmx16m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), XmlMillionRows.class.getName(), mode,
        Integer.toString(ROWS))).redirectError(err.toFile()).start();
  }

  @Test
  void aMillionRowsStreamThroughASixteenMegabyteHeap() throws Exception {
    Path err = dir.resolve("stream.err");
    Process p = child("stream", err);
    long rows = 0;
    String lastTaskNo = null;
    try (InputStream in = p.getInputStream()) {
      XMLInputFactory f = XMLInputFactory.newFactory();
      f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
      XMLStreamReader r = f.createXMLStreamReader(in);
      r.nextTag();
      assertThat(r.getLocalName()).isEqualTo("view");
      while (r.hasNext()) {
        if (r.next() == XMLStreamConstants.START_ELEMENT) {
          if (r.getLocalName().equals("row")) {
            rows++;
          } else if ("task_no".equals(r.getAttributeValue(null, "name"))) {
            lastTaskNo = r.getElementText();
          }
        }
      }
    } finally {
      assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("the writer ended").isTrue();
    }
    String stderr = Files.readString(err);
    System.out.println("XmlConstantMemoryIT stream: " + stderr.strip());
    assertThat(p.exitValue()).as(stderr).isZero();
    assertThat(rows).isEqualTo(ROWS);
    assertThat(lastTaskNo).isEqualTo(Integer.toString(ROWS - 1));
  }

  @Test
  void theSameRowsHeldInMemoryDoNotFit() throws Exception {
    Path err = dir.resolve("buffer.err");
    Process p = child("buffer", err);
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("the control ended").isTrue();
    assertThat(p.exitValue()).isNotZero();
    assertThat(Files.readString(err)).contains("OutOfMemoryError");
  }
}

package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the XML reader refuses, and the names the writer checks. */
class H5XmlTest {
  @TempDir Path dir;

  @Test
  void aDatasetWhoseValuesDoNotMatchItsLengthIsRefused() {
    String xml = """
        <group name="g"><dataset name="d" type="int64" length="3"><v>1</v><v>2</v></dataset>
        </group>""";
    assertThatThrownBy(() -> H5Xml.read(new StringReader(xml)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1").hasMessageContaining("dataset d has 2 values");
  }

  @Test
  void aDocumentWithADtdIsRefusedAndItsEntitiesAreNotRead() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "s3cret");
    String xml = "<?xml version=\"1.0\"?><!DOCTYPE g [<!ENTITY x SYSTEM \"" + secret.toUri()
        + "\">]><group name=\"g\"><attribute name=\"a\" type=\"string\">&x;</attribute></group>";
    assertThatThrownBy(() -> H5Xml.read(new StringReader(xml)))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(String.valueOf(e.getMessage())).doesNotContain("s3cret"));
  }

  @Test
  void elementNamesAreCheckedAtOnce() {
    XmlOutput out = XmlOutput.to(new StringWriter());
    assertThatThrownBy(() -> out.start("a b", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a b'");
    assertThatThrownBy(() -> out.start("view", "v").attribute("x=\"1\"", "2"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStartedElementTakesNoAttributeAfterItsContent() {
    XmlOutput out = XmlOutput.to(new StringWriter());
    out.start("view", "v").row(java.util.List.of("a"), java.util.List.of(1L));
    assertThatThrownBy(() -> out.attribute("late", "1"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("<view>");
  }
}

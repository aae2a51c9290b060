package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The ledger's CSV bytes: numbers, quoted names and hashes as COPY reads them. */
class CsvBytesTest {
  private static String text(CsvBytes c) {
    return new String(c.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void numbersAreTheirDecimalDigits() {
    long[] values = {0, 7, 9, 10, 99, 100, 123456789, 1L << 40, Long.MAX_VALUE, -1, -45,
        Long.MIN_VALUE};
    CsvBytes c = new CsvBytes(1);
    StringBuilder expected = new StringBuilder();
    for (long v : values) {
      c.number(v).comma();
      expected.append(v).append(',');
    }
    assertThat(text(c)).isEqualTo(expected.toString());
  }

  @Test
  void quotedFieldsDoubleTheirQuotesAndKeepUtf8() {
    CsvBytes c = new CsvBytes(1);
    c.quoted("plain.csv").comma().quoted("a \"b\" c").comma().quoted("é\"").comma().quoted("")
        .newline();
    assertThat(text(c)).isEqualTo("\"plain.csv\",\"a \"\"b\"\" c\",\"é\"\"\",\"\"\n");
  }

  @Test
  void theBufferGrowsAsNeeded() {
    CsvBytes c = new CsvBytes(1);
    String name = "x".repeat(1000);
    for (int i = 0; i < 100; i++) {
      c.quoted(name).comma().number(i).comma().ascii("0123456789abcdef").newline();
    }
    assertThat(text(c).lines()).hasSize(100)
        .allSatisfy(l -> assertThat(l).startsWith("\"" + name + "\","));
    assertThat(text(c).lines().toList().get(42)).endsWith(",42,0123456789abcdef");
  }
}

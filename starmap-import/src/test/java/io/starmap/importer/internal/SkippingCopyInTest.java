package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.ByteStreamWriter;

/**
 * The text COPY filter of a column list that skips fields: kept fields' bytes as they are, the
 * same output however the input is cut into chunks (the server-side loads are in {@code
 * ColumnListIT}).
 */
class SkippingCopyInTest {
  private static final Dialect CSV = new Dialect((byte) ',', (byte) '"', (byte) '"', "", "UTF8");

  /** What the server would be sent: the bytes written, kept in memory or only counted. */
  static final class Sent implements CopyIn {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final boolean keep;
    long count;

    Sent(boolean keep) {
      this.keep = keep;
    }

    @Override
    public void writeToCopy(byte[] b, int off, int len) {
      count += len;
      if (keep) {
        bytes.write(b, off, len);
      }
    }

    @Override
    public void writeToCopy(ByteStreamWriter from) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void flushCopy() {}

    @Override
    public long endCopy() {
      return 0;
    }

    @Override
    public int getFieldCount() {
      return 0;
    }

    @Override
    public int getFormat() {
      return 0;
    }

    @Override
    public int getFieldFormat(int i) {
      return 0;
    }

    @Override
    public boolean isActive() {
      return true;
    }

    @Override
    public void cancelCopy() {}

    @Override
    public long getHandledRowCount() {
      return 0;
    }
  }

  private static String filtered(List<String> fields, Dialect d, String csv, int chunk)
      throws SQLException {
    Sent sent = new Sent(true);
    SkippingCopyIn in = new SkippingCopyIn(sent, fields, d);
    byte[] b = csv.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i += chunk) {
      in.writeToCopy(b, i, Math.min(chunk, b.length - i));
    }
    in.endCopy();
    return sent.bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void dropsSkippedFieldsWhateverTheChunks() throws SQLException {
    String csv = "\"x,\"\"y\",1,\"a\nb\",z\r\n,2,,\nq,3,\"c\"\"d\",w,extra\n\"s\",4,e,\"\"";
    String expected = "1,\"a\nb\"\r\n2,\n3,\"c\"\"d\",extra\n4,e";
    for (int chunk = 1; chunk <= csv.length(); chunk++) {
      assertThat(filtered(List.of("", "id", "name", ""), CSV, csv, chunk)).as("chunk %d", chunk)
          .isEqualTo(expected);
    }
  }

  @Test
  void anotherEscapeAndDelimiter() throws SQLException {
    Dialect d = new Dialect((byte) ';', (byte) '\'', (byte) '\\', "NULL", "UTF8");
    String csv = "'a\\';b';NULL;'k'\n";
    for (int chunk = 1; chunk <= csv.length(); chunk++) {
      assertThat(filtered(List.of("", "n", "k"), d, csv, chunk)).isEqualTo("NULL;'k'\n");
      assertThat(filtered(List.of("t", "", "k"), d, csv, chunk)).isEqualTo("'a\\';b';'k'\n");
    }
  }

  @Test
  void aLineBreakInASkippedQuotedFieldIsRefused() {
    assertThatThrownBy(() -> filtered(List.of("id", ""), CSV, "1,\"two\nlines\"\n", 4))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("a field that the column list skips holds a line break");
  }
}

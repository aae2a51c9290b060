package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Files in a single-byte encoding, where every byte value is a character: in LATIN1 the byte
 * 0xFF is 'ÿ'. The importer's record scanner once took that byte for the escape of a CSV with
 * none (the escape is the quote), so that 'ÿ' right before a closing quote escaped it: the
 * import counted fewer records than the server loaded and refused the file, and a big file was
 * cut inside a record.
 */
@Timeout(300)
class SingleByteEncodingIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static PgTarget DB;
  static int tables;

  @TempDir Path dir;

  @BeforeAll
  static void database() {
    DB = PgTarget.of(PG.database());
  }

  /** {@code n} records {@code "wordÿ",i\n} in LATIN1, each name ending with the byte 0xFF. */
  private Path latin1(String name, int n) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      out.write('"');
      out.writeBytes(("caf\u00e9 " + i).getBytes(StandardCharsets.ISO_8859_1));
      out.write(0xFF);
      out.writeBytes(("\"," + i + "\n").getBytes(StandardCharsets.ISO_8859_1));
    }
    Path p = dir.resolve(name);
    Files.write(p, out.toByteArray());
    return p;
  }

  private static String table() {
    String t = "latin" + (++tables);
    TestPg.exec(DB, "CREATE TABLE " + t + " (name text, id int)");
    return t;
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void aLetterYBeforeAClosingQuoteDoesNotEscapeIt(CopyFormat f) throws IOException {
    String t = table();
    ImportReport r = Importer.run(DB, ImportOptions.builder(t).path(latin1("small.csv", 3)
        .toString()).header(Header.NO).encoding("LATIN1").copyFormat(f).workers(1).build(),
        ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(3);
    assertThat(TestPg.text(DB, "SELECT string_agg(name, '|' ORDER BY id) FROM " + t))
        .isEqualTo("caf\u00e9 0\u00ff|caf\u00e9 1\u00ff|caf\u00e9 2\u00ff");
  }

  /** The loader of bad rows and the search for a bad row's line read quotes as the scanner does. */
  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void aBadRowAmongThemIsRejectedAndTheOthersLoad(CopyFormat f) throws IOException {
    Path p = latin1("bad.csv", 50);
    byte[] b = Files.readAllBytes(p);
    String text = new String(b, StandardCharsets.ISO_8859_1).replace(",25\n", ",x25\n");
    Files.write(p, text.getBytes(StandardCharsets.ISO_8859_1));
    String t = table();
    ImportReport r = Importer.run(DB, ImportOptions.builder(t).path(p.toString())
        .header(Header.NO).encoding("LATIN1").copyFormat(f).maxErrors(5).workers(1).build(),
        ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(49);
    assertThat(r.rowsRejected()).isEqualTo(1);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM " + t + " WHERE name = 'caf\u00e9 ' || id"
        + " || '\u00ff'")).isEqualTo(49);
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void aBigFileIsCutBetweenRecords(CopyFormat f) throws IOException {
    int n = 200_000; // about 3.5 MB: pieces of 1 MB
    String t = table();
    ImportReport r = Importer.run(DB, ImportOptions.builder(t).path(latin1("big.csv", n)
        .toString()).header(Header.NO).encoding("LATIN1").copyFormat(f).taskSizeMb(1)
        .workers(2).build(), ImportListener.none());
    assertThat(r.pieces()).isGreaterThan(1);
    assertThat(r.rowsLoaded()).isEqualTo(n);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM " + t
        + " WHERE name = 'caf\u00e9 ' || id || '\u00ff'")).isEqualTo(n);
  }
}

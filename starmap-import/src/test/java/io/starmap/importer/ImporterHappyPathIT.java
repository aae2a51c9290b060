package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import io.starmap.importer.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300)
class ImporterHappyPathIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static PgTarget DB;

  @BeforeAll
  static void database() {
    DB = PgTarget.of(PG.database());
  }
  static final String PRICES = "code text, date date, value numeric(12,2)";

  @TempDir Path dir;

  private static String sum(String table) {
    return TestPg.text(DB, "SELECT count(*) || ':' || coalesce(sum(value), 0) || ':'"
        + " || coalesce(sum(length(code)), 0) FROM " + table);
  }

  static void write(Path p, String s) throws IOException {
    Files.writeString(p, s, StandardCharsets.UTF_8);
  }

  static String prices(int day, int rows) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      sb.append(String.format("%06d,2024-01-%02d,%d.%02d%n", i, 1 + day % 28, i, day % 100));
    }
    return sb.toString();
  }

  @Test
  void manyFilesAcrossExecutors() throws IOException {
    for (int d = 0; d < 20; d++) {
      write(dir.resolve("day" + d + ".csv"), prices(d, 100));
    }
    for (String executor : List.of("no", "threads", "virtual")) {
      String table = "many_" + executor;
      ImportReport r = Importer.run(DB, ImportOptions.builder(table).path(dir.toString())
          .create(PRICES).header(Header.NO).executor(executor).workers(2).build(),
          ImportListener.none());
      assertThat(r.files()).isEqualTo(20);
      assertThat(r.rowsLoaded()).isEqualTo(2000);
      assertThat(r.rowsRead()).isEqualTo(2000);
      assertThat(r.accountingBalances()).isTrue();
      assertThat(TestPg.count(DB, "SELECT count(*) FROM " + table)).isEqualTo(2000);
      assertThat(r.executor()).isEqualTo(executor);
    }
  }

  @Test
  void bigFileSplitWithMultiLineQuotedFieldsAndCrlf() throws IOException {
    // ~4 MB: split into byte ranges (the smallest task size is 1 MB); every 7th record has a
    // quoted field with newlines and a quoted delimiter in it, so a plain '\n' search would cut
    // records in two.
    StringBuilder sb = new StringBuilder();
    int rows = 200_000;
    long expectedLen = 0;
    for (int i = 0; i < rows; i++) {
      String note = i % 7 == 0 ? "\"line one\r\nline, two\nline \"\"three\"\"\"" : "plain" + i;
      sb.append(i).append(',').append(note).append(",x").append("\r\n");
      expectedLen += i % 7 == 0 ? "line one\r\nline, two\nline \"three\"".length()
          : ("plain" + i).length();
    }
    Path f = dir.resolve("big.csv");
    write(f, sb.toString());
    ImportReport r = Importer.run(DB, ImportOptions.builder("big").path(f.toString())
        .create("id int, note text, tag text").header(Header.NO).taskSizeMb(1).workers(2)
        .build(), ImportListener.none());
    assertThat(r.pieces()).isGreaterThan(2);
    assertThat(r.rowsLoaded()).isEqualTo(rows);
    assertThat(TestPg.count(DB, "SELECT count(DISTINCT id) FROM big")).isEqualTo(rows);
    assertThat(TestPg.count(DB, "SELECT sum(length(note)) FROM big")).isEqualTo(expectedLen);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM big WHERE tag <> 'x'")).isZero();
    // the pieces were cut while loading: each ledger row still has the file's real hash
    assertThat(TestPg.count(DB, "SELECT count(*) FROM starmap_ledger WHERE file_hash = '"
        + sha256(f) + "'")).isEqualTo(r.pieces());
    assertThat(TestPg.count(DB, "SELECT count(*) FROM starmap_ledger WHERE file_hash NOT SIMILAR"
        + " TO '[0-9a-f]{64}'")).isZero();
    ImportReport again = Importer.run(DB, ImportOptions.builder("big").path(f.toString())
        .header(Header.NO).taskSizeMb(1).workers(2).build(), ImportListener.none());
    assertThat(again.rowsLoaded()).isZero();
    assertThat(again.rowsSkipped()).isEqualTo(rows);
  }

  static String sha256(Path f) throws IOException {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(Files.readAllBytes(f)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void tinyFilesGroupedGzipHeaderBomNoFinalNewline() throws IOException {
    List<String> paths = new ArrayList<>();
    for (int d = 0; d < 30; d++) {
      Path p = dir.resolve("t" + d + ".csv");
      // header in another column order; a BOM on some; no final newline on some
      String body = "value,code,date\n" + "1.50,A" + d + ",2024-02-01\n" + "2.25,B" + d
          + ",2024-02-02" + (d % 2 == 0 ? "\n" : "");
      Files.write(p, ((d % 3 == 0 ? "\uFEFF" : "") + body).getBytes(StandardCharsets.UTF_8));
      paths.add(p.toString());
    }
    Path gz = dir.resolve("z.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("value,code,date\n9.00,G1,2024-03-01\n9.00,G2,2024-03-02\n"
          .getBytes(StandardCharsets.UTF_8));
    }
    ImportReport r = Importer.run(DB, ImportOptions.builder("tiny").path(dir + "/t*.csv")
        .path(gz.toString()).create(PRICES).workers(2).build(), ImportListener.none());
    assertThat(r.headerUsed()).isTrue();
    assertThat(r.files()).isEqualTo(31);
    assertThat(r.tasks()).isLessThan(31);
    assertThat(r.rowsLoaded()).isEqualTo(62);
    assertThat(sum("tiny")).isEqualTo("62:130.50:164");
    assertThat(TestPg.count(DB, "SELECT count(*) FROM tiny WHERE code LIKE '%\uFEFF%'")).isZero();
  }

  @Test
  void rerunSkipsWhatIsLoadedAndForceReloads() throws IOException {
    for (int d = 0; d < 5; d++) {
      write(dir.resolve("r" + d + ".csv"), prices(d, 50));
    }
    ImportOptions o = ImportOptions.builder("rerun").path(dir.toString()).create(PRICES).build();
    ImportReport first = Importer.run(DB, o, ImportListener.none());
    assertThat(first.rowsLoaded()).isEqualTo(250);
    ImportReport second = Importer.run(DB, o, ImportListener.none());
    assertThat(second.rowsLoaded()).isZero();
    assertThat(second.rowsSkipped()).isEqualTo(250);
    assertThat(second.piecesSkipped()).isEqualTo(5);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM rerun")).isEqualTo(250);
    // a copy of a loaded file under another name is the same content: skipped
    Files.copy(dir.resolve("r0.csv"), dir.resolve("r0-copy.csv"));
    write(dir.resolve("r5.csv"), prices(5, 50));
    ImportReport third = Importer.run(DB, o, ImportListener.none());
    assertThat(third.rowsLoaded()).isEqualTo(50);
    assertThat(third.rowsSkipped()).isEqualTo(300);
    ImportReport forced = Importer.run(DB, ImportOptions.builder("rerun").path(dir.toString())
        .force(true).build(), ImportListener.none());
    assertThat(forced.rowsLoaded()).isEqualTo(300);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM rerun")).isEqualTo(600);
    // a table dropped and created again is empty: its ledger starts empty too
    TestPg.exec(DB, "DROP TABLE rerun");
    ImportReport recreated = Importer.run(DB, o, ImportListener.none());
    assertThat(recreated.rowsLoaded()).isEqualTo(300);
    assertThat(recreated.rowsSkipped()).isEqualTo(50);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM rerun")).isEqualTo(300);
  }

  @Test
  void sharedConnectionAndOtherDialect() throws IOException {
    for (int d = 0; d < 6; d++) {
      write(dir.resolve("s" + d + ".csv"), "'a;b';" + d + ";NULL\n'c''d';" + d + ";x\n");
    }
    ImportReport r = Importer.run(DB, ImportOptions.builder("dialect").path(dir.toString())
        .create("name text, n int, extra text").delimiter(';').quote('\'').nullString("NULL")
        .header(Header.NO).connections(Connections.SHARED).workers(2).build(),
        ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(12);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM dialect WHERE extra IS NULL")).isEqualTo(6);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM dialect WHERE name = 'c''d'"))
        .isEqualTo(6);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM dialect WHERE name = 'a;b'")).isEqualTo(6);
  }

  @Test
  void headerAutoDecidesFromTheColumnTypes() throws IOException {
    // names that are not the table's, but values that do not parse as int: a header, mapped
    // case-insensitively by name
    Path h = dir.resolve("h.csv");
    write(h, "N,Label\n1,a\n2,b\n");
    ImportReport withHeader = Importer.run(DB, ImportOptions.builder("auto1").path(h.toString())
        .create("n int, label text").build(), ImportListener.none());
    assertThat(withHeader.headerUsed()).isTrue();
    assertThat(withHeader.rowsLoaded()).isEqualTo(2);
    // a first record that parses as (int, text) is data
    Path d = dir.resolve("d.csv");
    write(d, "1,n\n2,label\n");
    ImportReport data = Importer.run(DB, ImportOptions.builder("auto2").path(d.toString())
        .create("n int, label text").build(), ImportListener.none());
    assertThat(data.headerUsed()).isFalse();
    assertThat(data.rowsLoaded()).isEqualTo(2);
  }

  @Test
  void processesExecutorLoadsAndReportsBadRowsThroughWorkerJvms() throws IOException {
    for (int d = 0; d < 6; d++) {
      write(dir.resolve("p" + d + ".csv"), prices(d, 500));
    }
    ImportReport r = Importer.run(DB, ImportOptions.builder("procs").path(dir.toString())
        .create(PRICES).header(Header.NO).executor("processes").workers(2).build(),
        ImportListener.none());
    assertThat(r.executor()).isEqualTo("processes");
    assertThat(r.rowsLoaded()).isEqualTo(3000);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM procs")).isEqualTo(3000);
    Path bad = dir.resolve("z-bad.csv");
    write(bad, "a,2024-01-01,1\nb,2024-01-02,oops\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Importer.run(DB,
        ImportOptions.builder("procs").path(dir.toString()).executor("processes").workers(2)
            .build(), ImportListener.none()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(bad + ":2: invalid input syntax for type numeric: \"oops\" (column value)");
  }

  @Test
  void manyTinyFilesWithIdenticalContentLoadOnce() throws IOException {
    // 100 files in one task: the ledger rows go through the staged COPY path; three files are
    // copies of others, so their rows are skipped as already loaded
    for (int d = 0; d < 97; d++) {
      write(dir.resolve(String.format("f%03d.csv", d)), prices(d, 3));
    }
    for (int d = 0; d < 3; d++) {
      Files.copy(dir.resolve(String.format("f%03d.csv", d)),
          dir.resolve(String.format("g%03d.csv", d)));
    }
    ImportOptions o = ImportOptions.builder("tinyonce").path(dir.toString()).create(PRICES)
        .header(Header.NO).workers(1).build();
    ImportReport r = Importer.run(DB, o, ImportListener.none());
    assertThat(r.tasks()).isEqualTo(1);
    assertThat(r.rowsLoaded()).isEqualTo(97 * 3);
    assertThat(r.rowsSkipped()).isEqualTo(9);
    assertThat(r.accountingBalances()).isTrue();
    ImportReport again = Importer.run(DB, o, ImportListener.none());
    assertThat(again.rowsLoaded()).isZero();
    assertThat(again.rowsSkipped()).isEqualTo(300);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM tinyonce")).isEqualTo(97 * 3);
  }

  @Test
  void aSplitFileWithAHeaderMapsEveryPieceByName() throws IOException {
    StringBuilder sb = new StringBuilder("value,date,code\n");
    long cents = 0;
    for (int i = 0; i < 120_000; i++) {
      sb.append(i % 1000).append('.').append(String.format("%02d", i % 100)).append(",2024-05-")
          .append(String.format("%02d", 1 + i % 28)).append(",C").append(i).append('\n');
      cents += (i % 1000) * 100L + i % 100;
    }
    Path f = dir.resolve("split-header.csv");
    write(f, sb.toString());
    ImportReport r = Importer.run(DB, ImportOptions.builder("splithdr").path(f.toString())
        .create(PRICES).header(Header.YES).taskSizeMb(1).workers(2)
        .copyFormat(CopyFormat.BINARY).build(), ImportListener.none());
    assertThat(r.pieces()).isGreaterThan(1);
    assertThat(r.rowsLoaded()).isEqualTo(120_000);
    assertThat(TestPg.count(DB, "SELECT sum(value * 100)::bigint FROM splithdr")).isEqualTo(cents);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM splithdr WHERE code NOT LIKE 'C%'"))
        .isZero();
  }

  /**
   * A big file is read in parts of 256 KB; one whose first record goes past the first part is read
   * on until a line end shows whether the file ends its lines with CRLF: text COPY ends a last
   * record without a line end with the file's own, and ended one with a bare newline (the server
   * refused it: "unquoted newline found in data").
   */
  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void aCrlfFileWhoseFirstRecordIsLongerThanTheFirstPartLoadsItsLastRecord(CopyFormat format)
      throws IOException {
    StringBuilder sb = new StringBuilder("0,").append("a".repeat(300_000)).append(",n\r\n");
    int n = 50_000;
    for (int i = 1; i <= n; i++) {
      sb.append(i).append(",name ").append(i).append(",n\r\n");
    }
    sb.append(n + 1).append(",last,n"); // no line end
    write(dir.resolve("crlf.csv"), sb.toString());
    String table = "longfirst_" + format.name().toLowerCase(java.util.Locale.ROOT);
    TestPg.exec(DB, "CREATE TABLE " + table + " (id int, name text, note text)");
    ImportReport r = Importer.run(DB, ImportOptions.builder(table).path(dir.toString())
        .header(Header.NO).workers(1).copyFormat(format).build(), ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(n + 2);
    assertThat(TestPg.text(DB, "SELECT name || note FROM " + table + " WHERE id = " + (n + 1)))
        .isEqualTo("lastn");
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void batchesOfTinyFilesWithBomsHeadersAndMixedLineEndsLoadEveryRow(CopyFormat format)
      throws IOException {
    List<Path> files = BadInputIT.mixedTinyFiles(dir, -1);
    String table = "tinybatches_" + format.name().toLowerCase(java.util.Locale.ROOT);
    long rows = 0;
    long cents = 0;
    for (int i = 0; i < files.size(); i++) {
      int n = i % 60 == 10 ? 16_000 : 3;
      rows += n;
      for (int r = 0; r < n; r++) {
        cents += (r % 100) * 100L + i % 100;
      }
    }
    ImportOptions o = ImportOptions.builder(table).path(dir.toString()).create(PRICES)
        .header(Header.YES).workers(1).copyFormat(format).build();
    ImportReport r = Importer.run(DB, o, ImportListener.none());
    assertThat(r.pieces()).isEqualTo(300);
    assertThat(r.rowsLoaded()).isEqualTo(rows);
    assertThat(r.accountingBalances()).isTrue();
    assertThat(TestPg.text(DB, "SELECT count(*) || ':' || sum(value * 100)::bigint"
        + " || ':' || count(DISTINCT code) FROM " + table)).isEqualTo(rows + ":" + cents + ":"
        + rows);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM starmap_ledger WHERE table_name LIKE"
        + " '%." + table + "#%'")).isEqualTo(300);
    ImportReport again = Importer.run(DB, o, ImportListener.none());
    assertThat(again.rowsLoaded()).isZero();
    assertThat(again.rowsSkipped()).isEqualTo(rows);
  }

  @Test
  void aCopyOfAFileInAnotherTaskLoadsOnce() throws IOException {
    // each file is a task of its own: the copy's ledger row is refused when its task commits
    // after the original's, and that task is done again without it
    write(dir.resolve("a.csv"), prices(1, 25_000));
    Files.copy(dir.resolve("a.csv"), dir.resolve("b.csv"));
    write(dir.resolve("c.csv"), prices(2, 25_000));
    ImportOptions o = ImportOptions.builder("copyonce").path(dir.toString()).create(PRICES)
        .header(Header.NO).workers(1).build();
    ImportReport r = Importer.run(DB, o, ImportListener.none());
    assertThat(r.tasks()).isEqualTo(3);
    assertThat(r.rowsLoaded()).isEqualTo(50_000);
    assertThat(r.rowsSkipped()).isEqualTo(25_000);
    assertThat(r.accountingBalances()).isTrue();
    assertThat(TestPg.count(DB, "SELECT count(*) FROM copyonce")).isEqualTo(50_000);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM starmap_ledger WHERE table_name LIKE"
        + " '%.copyonce#%'")).isEqualTo(2);
  }
}

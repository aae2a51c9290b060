package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.starmap.importer.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** A corpus of malformed files, each with the exact {@code file:line: reason} it must give. */
@Timeout(300)
class BadInputIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static PgTarget DB;

  @BeforeAll
  static void database() {
    DB = PgTarget.of(PG.database());
  }
  static final String PRICES = "code text, date date, value numeric(12,2)";
  static int tables;

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content.getBytes(StandardCharsets.ISO_8859_1));
    return p;
  }

  private static ImportOptions.Builder prices(Path p) {
    return ImportOptions.builder("bad" + (++tables)).path(p.toString()).create(PRICES)
        .header(Header.NO).workers(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      too few columns | a,2024-01-01,1\\nb,2024-01-02\\n | 2 | missing data for column "value"
      too many columns | a,2024-01-01,1,9\\n | 1 | extra data after last expected column
      bad date | a,2024-01-01,1\\nb,2024-01-02,2\\nc,notadate,3\\n | 3 | invalid input syntax for type date: "notadate" (column date)
      bad number | a,2024-01-01,1\\nb,2024-01-02,abc\\n | 2 | invalid input syntax for type numeric: "abc" (column value)
      unterminated quote at the end | a,2024-01-01,1\\n"b,2024-01-02,2\\nc,2024-01-03,3\\n | 2 | unterminated CSV quoted field
      invalid UTF-8 | a,2024-01-01,1\\nb\\u00ff,2024-01-02,2\\n | 2 | invalid byte sequence for encoding "UTF8": 0xff
      CRLF and no final newline | a,2024-01-01,1\\r\\nb,2024-01-02,x | 2 | invalid input syntax for type numeric: "x" (column value)
      """)
  void stopsAtTheFirstBadRowWithFileAndLine(String name, String content, long line, String reason)
      throws IOException {
    Path p = file(name.replace(' ', '_') + ".csv",
        content.replace("\\n", "\n").replace("\\r", "\r").replace("\\u00ff", "\u00ff"));
    assertThatThrownBy(() -> Importer.run(DB, prices(p).build(), ImportListener.none()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(p + ":" + line + ": " + reason);
  }

  @Test
  void failuresCarryAKindAndNameNoCommandLineOption() throws IOException {
    Path p = file("kinds.csv", "a,2024-01-01,1\nb,2024-01-02,x\n");
    assertThatThrownBy(() -> Importer.run(DB, ImportOptions.builder("never_created")
        .path(p.toString()).header(Header.NO).build(), ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .hasMessageContaining("table never_created does not exist")
        .hasMessageNotContaining("--")
        .extracting(e -> ((ImportException) e).kind())
        .isEqualTo(ImportException.Kind.TABLE_MISSING);
    assertThatThrownBy(() -> Importer.run(DB, prices(p).build(), ImportListener.none()))
        .isInstanceOf(BadInputException.class)
        .extracting(e -> ((ImportException) e).kind())
        .isEqualTo(ImportException.Kind.BAD_ROW);
    assertThatThrownBy(() -> ImportOptions.builder("t").create(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("--");
  }

  @Test
  void lineNumbersCountPhysicalLinesOfMultiLineRecords() throws IOException {
    Path p = file("multi.csv", "a,\"multi\nline\nnote\",1\nb,ok,2\nc,ok,notanint\n");
    assertThatThrownBy(() -> Importer.run(DB, ImportOptions.builder("multi")
        .path(p.toString()).create("code text, note text, n int").header(Header.NO).build(),
        ImportListener.none()))
        .hasMessage(p + ":5: invalid input syntax for type integer: \"notanint\" (column n)");
    Path q = file("multi2.csv", "a,\"multi\nline\",1\nd,\"x\ny\",bad\nb,ok,2\n");
    assertThatThrownBy(() -> Importer.run(DB, ImportOptions.builder("multi")
        .path(q.toString()).header(Header.NO).build(), ImportListener.none()))
        .hasMessage(q + ":3: invalid input syntax for type integer: \"bad\" (column n)");
  }

  @Test
  void emptyAndHeaderOnlyFilesLoadNothing() throws IOException {
    Path empty = file("empty.csv", "");
    Path headerOnly = file("header.csv", "code,date,value\n");
    ImportReport r = Importer.run(DB, ImportOptions.builder("hdr").path(empty.toString())
        .path(headerOnly.toString()).create(PRICES).header(Header.YES).build(),
        ImportListener.none());
    assertThat(r.rowsLoaded()).isZero();
    assertThat(r.rowsRead()).isZero();
    assertThat(r.files()).isEqualTo(2);
  }

  @Test
  void unknownHeaderColumnIsBadInput() throws IOException {
    Path p = file("h.csv", "code,when,value\na,2024-01-01,1\n");
    assertThatThrownBy(() -> Importer.run(DB, ImportOptions.builder("hdr2").path(p.toString())
        .create(PRICES).header(Header.YES).build(), ImportListener.none()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(p + ":1: header names column \"when\", which public.hdr2 does not have"
            + " (columns: code, date, value)");
  }

  @Test
  void aHugeLineLoads() throws IOException {
    String big = "x".repeat(3_000_000);
    Path p = file("huge.csv", "1," + big + "\n2,small\n");
    ImportReport r = Importer.run(DB, ImportOptions.builder("huge").path(p.toString())
        .create("id int, body text").header(Header.NO).build(), ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(2);
    assertThat(TestPg.count(DB, "SELECT max(length(body)) FROM huge")).isEqualTo(3_000_000);
  }

  @Test
  void badRowsWithinTheBudgetAreRejectedAndTheRestLoads() throws IOException {
    Path p = file("mixed.csv", "a,2024-01-01,1\nb,2024-01-02,x\nc,2024-01-03,3\n"
        + "d,\"quoted\nnewline\",4\ne,2024-01-05,5\nf,2024-01-06\ng,2024-01-07,7\n");
    Path rejects = dir.resolve("out.rejects");
    ImportReport r = Importer.run(DB, ImportOptions.builder("mixed").path(p.toString())
        .create(PRICES).header(Header.NO).maxErrors(5).rejects(rejects).build(),
        ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(4);
    assertThat(r.rowsRejected()).isEqualTo(3);
    assertThat(r.rowsRead()).isEqualTo(7);
    assertThat(r.rejectsPath()).isEqualTo(rejects);
    assertThat(TestPg.text(DB, "SELECT string_agg(code, '' ORDER BY code) FROM mixed"))
        .isEqualTo("aceg");
    List<String> lines = Files.readAllLines(rejects);
    assertThat(lines).containsExactly(
        "file,line,reason,record",
        "\"" + p + "\",2,\"invalid input syntax for type numeric: \"\"x\"\" (column value)\","
            + "\"b,2024-01-02,x\"",
        "\"" + p + "\",4,\"invalid input syntax for type date: \"\"quoted",
        "newline\"\" (column date)\",\"d,\"\"quoted",
        "newline\"\",4\"",
        "\"" + p + "\",7,\"missing data for column \"\"value\"\"\",\"f,2024-01-06\"");
  }

  /**
   * Regression: every bad row used to leave its savepoint open after ROLLBACK TO SAVEPOINT, so the
   * next one nested a level deeper; after about 10,000 bad rows in one piece the first write needed
   * a transaction id per level and the server ran out of lock space ("out of shared memory").
   */
  @Test
  void thirtyThousandBadRowsInOnePieceAreRejectedAndTheGoodRowLoads() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      sb.append("a,x,").append(i).append('\n');
    }
    sb.append("good,2024-01-01,1\n");
    Path p = file("many-bad.csv", sb.toString());
    ImportReport r = Importer.run(DB, ImportOptions.builder("many_bad").path(p.toString())
        .create(PRICES).header(Header.NO).maxErrors(1_000_000)
        .rejects(dir.resolve("many.rejects")).build(), ImportListener.none());
    assertThat(r.pieces()).isEqualTo(1);
    assertThat(r.rowsRejected()).isEqualTo(30_000);
    assertThat(r.rowsLoaded()).isEqualTo(1);
    assertThat(TestPg.text(DB, "SELECT string_agg(code, ',') FROM many_bad")).isEqualTo("good");
    assertThat(Files.readAllLines(dir.resolve("many.rejects"))).hasSize(30_001);
  }

  @Test
  void exceedingTheBudgetStops() throws IOException {
    Path p = file("many-bad.csv", "a,x,1\nb,y,2\nc,z,3\nd,2024-01-01,4\n");
    assertThatThrownBy(() -> Importer.run(DB, prices(p).maxErrors(2)
        .rejects(dir.resolve("r")).build(), ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .hasMessageContaining("more than 2 bad rows");
  }

  @Test
  void afterAFailureTheFixedInputLoadsExactlyTheRest() throws IOException {
    Path good = file("1-good.csv", "a,2024-01-01,1\nb,2024-01-02,2\n".repeat(100_000));
    Path bad = file("2-bad.csv", "c,2024-01-03,3\nd,oops,4\n");
    ImportOptions o = ImportOptions.builder("resume").path(dir.toString()).create(PRICES)
        .header(Header.NO).executor("no").workers(1).build();
    assertThatThrownBy(() -> Importer.run(DB, o, ImportListener.none()))
        .hasMessage(bad + ":2: invalid input syntax for type date: \"oops\" (column date)");
    long committed = TestPg.count(DB, "SELECT count(*) FROM resume");
    assertThat(committed).isIn(0L, 200_000L);
    Files.writeString(bad, "c,2024-01-03,3\nd,2024-01-04,4\n");
    ImportReport r = Importer.run(DB, o, ImportListener.none());
    assertThat(r.rowsLoaded() + committed).isEqualTo(200_002);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM resume")).isEqualTo(200_002);
  }

  @Test
  void errorsWithoutALineAreFoundByBisection() throws IOException {
    // a foreign key is checked after the COPY's rows: its error names no line
    TestPg.exec(DB, "CREATE TABLE parent (id int PRIMARY KEY)");
    TestPg.exec(DB, "INSERT INTO parent SELECT generate_series(1, 5)");
    TestPg.exec(DB, "CREATE TABLE child (pid int REFERENCES parent, v text)");
    Path p = file("fk.csv", "1,a\n2,b\n9,c\n3,d\n8,e\n4,f\n5,g\n");
    assertThatThrownBy(() -> Importer.run(DB, ImportOptions.builder("child").path(p.toString())
        .header(Header.NO).build(), ImportListener.none()))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith(p + ": insert or update on table \"child\" violates foreign key");
    Path rejects = dir.resolve("fk.rejects");
    ImportReport r = Importer.run(DB, ImportOptions.builder("child").path(p.toString())
        .header(Header.NO).maxErrors(3).rejects(rejects).build(), ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(5);
    assertThat(r.rowsRejected()).isEqualTo(2);
    assertThat(TestPg.text(DB, "SELECT string_agg(v, '' ORDER BY v) FROM child"))
        .isEqualTo("abdfg");
    assertThat(Files.readAllLines(rejects)).hasSize(3)
        .anyMatch(l -> l.startsWith("\"" + p + "\",3,") && l.endsWith(",\"9,c\""))
        .anyMatch(l -> l.startsWith("\"" + p + "\",5,") && l.endsWith(",\"8,e\""));
  }

  @Test
  void linesAreRightInTheSecondFileOfAGroupedTask() throws IOException {
    Path a = file("g1.csv", "\"x\ny\",1\n\"p\nq\nr\",2\n");
    Path b = file("g2.csv", "\"s\nt\",3\nu,4\nv,bad\n");
    assertThatThrownBy(() -> Importer.run(DB, ImportOptions.builder("grouped").path(a.toString())
        .path(b.toString()).create("s text, n int").header(Header.NO).workers(1).build(),
        ImportListener.none()))
        .hasMessage(b + ":4: invalid input syntax for type integer: \"bad\" (column n)");
  }

  /**
   * Tiny files with a header, some with a BOM, CRLF line ends or no final newline, and a few of
   * 400 KB among them, so one task sends them to COPY in batches that end mid-way; {@code bad}
   * puts a bad value in the last record of file {@code bad} (its line 4).
   */
  static List<Path> mixedTinyFiles(Path dir, int bad) throws IOException {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String nl = i % 7 == 3 ? "\r\n" : "\n";
      StringBuilder sb = new StringBuilder(i % 5 == 0 ? "\uFEFF" : "");
      sb.append("code,date,value").append(nl);
      int rows = i % 60 == 10 ? 16_000 : 3;
      for (int r = 0; r < rows; r++) {
        sb.append('c').append(i).append('_').append(r).append(",2024-01-0").append(1 + r % 9)
            .append(',').append(i == bad && r == rows - 1 ? "bad"
            : r % 100 + (i % 100 < 10 ? ".0" : ".") + i % 100);
        if (r < rows - 1 || i % 4 != 1) {
          sb.append(nl);
        }
      }
      Path p = dir.resolve(String.format("t%03d.csv", i));
      Files.writeString(p, sb, StandardCharsets.UTF_8);
      files.add(p);
    }
    return files;
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void linesAreRightInBatchesOfTinyFilesWithBomsHeadersAndMixedLineEnds(CopyFormat format)
      throws IOException {
    for (int bad : new int[] {0, 217, 250, 299}) {
      Path sub = Files.createDirectories(dir.resolve("batch" + bad + format));
      List<Path> files = mixedTinyFiles(sub, bad);
      Path p = files.get(bad);
      long line = bad % 60 == 10 ? 16_001 : 4;
      assertThatThrownBy(() -> Importer.run(DB, ImportOptions.builder("batch" + bad + format)
          .path(sub.toString()).create(PRICES).header(Header.YES).workers(1).copyFormat(format)
          .build(),
          ImportListener.none()))
          .isInstanceOf(BadInputException.class)
          .hasMessage(p + ":" + line + ": invalid input syntax for type numeric: \"bad\""
              + " (column value)");
    }
  }

  /** What the ledger says this table's imports committed: pieces, rows loaded, rows rejected. */
  private static long[] ledger(String table) {
    String where = " FROM starmap_ledger WHERE table_name LIKE 'public." + table + "#%'";
    return new long[] {TestPg.count(DB, "SELECT count(*)" + where),
        TestPg.count(DB, "SELECT coalesce(sum(rows_read - rows_rejected), 0)" + where),
        TestPg.count(DB, "SELECT coalesce(sum(rows_rejected), 0)" + where)};
  }

  @Test
  void aFailedImportReportsExactlyWhatItCommittedWhileOtherTasksWereInFlight() throws IOException {
    // A 10 MB file cut into small tasks on 2 workers: when the bad row's task fails, others are
    // running and commit. The report must count them (it once said 296,663 rows loaded of the
    // 326,912 in the table): a user checks the summary against the table.
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 400_000; i++) {
      sb.append(i).append(",2024-01-02,").append(i == 300_001 ? "12.5x" : i % 1000).append('\n');
    }
    Path p = file("late-bad.csv", sb.toString());
    for (int round = 1; round <= 3; round++) {
      String table = "inflight" + round;
      ImportOptions options = ImportOptions.builder(table).path(p.toString()).create(PRICES)
          .header(Header.NO).workers(2).taskSizeMb(1).build();
      Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
          () -> Importer.run(DB, options, ImportListener.none()));
      assertThat(thrown).isInstanceOf(BadInputException.class)
          .hasMessage(p + ":300001: invalid input syntax for type numeric: \"12.5x\" (column value)");
      ImportReport r = ((ImportException) thrown).report();
      long[] committed = ledger(table);
      assertThat(TestPg.count(DB, "SELECT count(*) FROM " + table)).as("round %d", round)
          .isEqualTo(committed[1]).isEqualTo(r.rowsLoaded());
      assertThat(r.pieces()).as("round %d", round).isEqualTo(committed[0]);
    }
  }

  @Test
  void overTheBudgetEveryBadRowOfACommittedTaskIsInTheRejectsFile() throws IOException {
    // 40 files of 5,000 rows, every fourth with a bad row, budget 2, 2 workers: the budget runs
    // out while other tasks commit with bad rows of their own. Each of those is skipped in the
    // table and recorded as loaded in the ledger, so the rejects file is its only trace.
    List<Path> files = new ArrayList<>();
    for (int f = 0; f < 40; f++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i <= 5_000; i++) {
        sb.append("f").append(f).append(',').append("2024-01-02,")
            .append(f % 4 == 0 && i == 2_500 ? "bad" : i).append('\n');
      }
      files.add(file("budget-" + f + ".csv", sb.toString()));
    }
    for (int round = 1; round <= 3; round++) {
      String table = "budget" + round;
      Path rejects = dir.resolve(table + ".rejects");
      ImportOptions.Builder b = ImportOptions.builder(table).create(PRICES).header(Header.NO)
          .workers(2).taskSizeMb(1).maxErrors(2).rejects(rejects);
      files.forEach(f -> b.path(f.toString()));
      ImportOptions options = b.build();
      Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
          () -> Importer.run(DB, options, ImportListener.none()));
      assertThat(thrown).isInstanceOf(ImportException.class)
          .hasMessageContaining("more than 2 bad rows").hasMessageNotContaining("--");
      assertThat(((ImportException) thrown).kind())
          .isEqualTo(ImportException.Kind.TOO_MANY_BAD_ROWS);
      ImportReport r = ((ImportException) thrown).report();
      long[] committed = ledger(table);
      // no file when no committed task skipped a row; else a header line, then a line per row
      List<String> lines = Files.exists(rejects) ? Files.readAllLines(rejects) : List.of("");
      List<String> rejected = lines.subList(1, lines.size());
      assertThat(rejected).as("round %d", round).hasSize((int) committed[2])
          .allMatch(line -> line.contains(",2500,") && line.endsWith(",bad\""));
      assertThat(r.rowsRejected()).as("round %d", round).isEqualTo(committed[2]);
      assertThat(TestPg.count(DB, "SELECT count(*) FROM " + table)).as("round %d", round)
          .isEqualTo(committed[1]).isEqualTo(r.rowsLoaded());
    }
  }

  @Test
  void aFileFixedAfterAFailedImportIsRefusedRatherThanLoadedTwice() throws IOException {
    // The usual reaction to "file:line: reason" is to fix that line and run the same command.
    // The ledger keys pieces by content, so the fixed file is new data: loading it whole would
    // load the rows committed before the failure a second time.
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 200_000; i++) {
      sb.append(i).append(",2024-01-02,").append(i == 150_001 ? "1.5x" : i % 1000).append('\n');
    }
    String original = sb.toString();
    Path p = file("fixme.csv", original);
    ImportOptions.Builder b = ImportOptions.builder("fixme").path(p.toString()).create(PRICES)
        .header(Header.NO).workers(2).taskSizeMb(1);
    assertThatThrownBy(() -> Importer.run(DB, b.build(), ImportListener.none()))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith(p + ":150001: ");
    long committed = TestPg.count(DB, "SELECT count(*) FROM fixme");
    assertThat(committed).as("some pieces committed before the bad row").isPositive();

    file("fixme.csv", original.replace(",1.5x\n", ",1.5\n"));
    assertThatThrownBy(() -> Importer.run(DB, b.build(), ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .hasMessageStartingWith(p + " has changed since an import loaded ")
        .hasMessageContaining("(" + committed + " rows, ")
        .hasMessageContaining("put back the version that was loaded")
        .hasMessageNotContaining("--")
        .extracting(e -> ((ImportException) e).kind())
        .isEqualTo(ImportException.Kind.FILE_CHANGED_AFTER_PARTIAL_LOAD);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM fixme")).isEqualTo(committed);

    // The way the message gives: the loaded version back, the bad row skipped into the rejects.
    file("fixme.csv", original);
    Path rejects = dir.resolve("fixme.rejects");
    ImportReport r = Importer.run(DB, b.maxErrors(1).rejects(rejects).build(),
        ImportListener.none());
    assertThat(r.rowsSkipped()).isEqualTo(committed);
    assertThat(r.rowsRejected()).isEqualTo(1);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM fixme")).isEqualTo(199_999);
    assertThat(TestPg.count(DB, "SELECT count(DISTINCT code) FROM fixme")).isEqualTo(199_999);

    // The other way: the new version loaded whole, forced; after that it is loaded.
    file("fixme.csv", original.replace(",1.5x\n", ",1.5\n"));
    TestPg.exec(DB, "TRUNCATE fixme");
    assertThat(Importer.run(DB, b.maxErrors(0).force(true).build(), ImportListener.none())
        .rowsLoaded()).isEqualTo(200_000);
    ImportReport again = Importer.run(DB, b.force(false).build(), ImportListener.none());
    assertThat(again.rowsLoaded()).isZero();
    assertThat(again.rowsSkipped()).isEqualTo(200_000);
  }

  @Test
  void aFileReplacedAfterItLoadedWholeIsNewData() throws IOException {
    Path p = file("daily.csv", "a,2024-01-01,1\nb,2024-01-01,2\n");
    ImportOptions options = ImportOptions.builder("daily").path(p.toString()).create(PRICES)
        .header(Header.NO).build();
    assertThat(Importer.run(DB, options, ImportListener.none()).rowsLoaded()).isEqualTo(2);
    file("daily.csv", "a,2024-01-02,3\nb,2024-01-02,4\nc,2024-01-02,5\n");
    assertThat(Importer.run(DB, options, ImportListener.none()).rowsLoaded()).isEqualTo(3);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM daily")).isEqualTo(5);
  }
}

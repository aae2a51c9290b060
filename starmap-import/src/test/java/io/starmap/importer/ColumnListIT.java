package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.importer.testing.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The column list: which table column each field goes to, in both COPY formats, against the
 * real server: a subset of the columns, another order, skipped fields, a header that the list
 * overrides, and the errors of a name the table lacks and of a record with another field count.
 */
@Timeout(300)
class ColumnListIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static PgTarget DB;
  static int tables;

  @BeforeAll
  static void database() {
    DB = PgTarget.of(PG.database());
  }

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  /** A fresh table {@code (id int, name text, note text)} and options for it. */
  private static ImportOptions.Builder people(Path p, CopyFormat f, String... columns) {
    String table = "people" + (++tables);
    TestPg.exec(DB, "CREATE TABLE " + table + " (id int, name text, note text)");
    return ImportOptions.builder(table).path(p.toString()).header(Header.NO).workers(1)
        .copyFormat(f).columns(List.of(columns));
  }

  /** The table's rows in id order, as {@code id|name|note} with NULL shown as {@code ~}. */
  private static String rows(String table) {
    return TestPg.text(DB, "SELECT coalesce(string_agg(coalesce(id::text, '~') || '|'"
        + " || coalesce(name, '~') || '|' || coalesce(note, '~'), ';' ORDER BY id), '')"
        + " FROM " + table);
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void aSubsetOfTheColumnsLeavesTheOthersNull(CopyFormat f) throws IOException {
    ImportOptions o = people(file("a.csv", "1,ann\n2,bob\n"), f, "id", "name").build();
    ImportReport r = Importer.run(DB, o, ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(2);
    assertThat(rows(o.table())).isEqualTo("1|ann|~;2|bob|~");
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void fieldsInAnotherOrderThanTheTable(CopyFormat f) throws IOException {
    ImportOptions o = people(file("b.csv", "n1,ann,1\nn2,bob,2\n"), f, "note", "name", "id")
        .build();
    Importer.run(DB, o, ImportListener.none());
    assertThat(rows(o.table())).isEqualTo("1|ann|n1;2|bob|n2");
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void skippedFieldsAreNotLoadedQuotedOrNot(CopyFormat f) throws IOException {
    // a skipped quoted field holds the delimiter and a doubled quote; the last field is skipped
    ImportOptions o = people(file("c.csv", "1,\"x,\"\"y\",ann,z\n2,junk,\"b,ob\",\"\"\n"), f,
        "id", "", "name", "").build();
    ImportReport r = Importer.run(DB, o, ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(2);
    assertThat(rows(o.table())).isEqualTo("1|ann|~;2|b,ob|~");
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void theListWinsOverAHeaderWhoseNamesAreNotColumns(CopyFormat f) throws IOException {
    List<String> messages = new ArrayList<>();
    ImportOptions o = people(file("d.csv", "Ident,Junk,Who\n1,j,ann\n2,j,bob\n"), f, "id", "",
        "name").header(Header.YES).build();
    ImportReport r = Importer.run(DB, o, Told.into(messages));
    assertThat(r.rowsLoaded()).isEqualTo(2);
    assertThat(rows(o.table())).isEqualTo("1|ann|~;2|bob|~");
    assertThat(messages).containsOnlyOnce("header: the first record of each file is skipped;"
        + " the column list maps the fields (d.csv: Ident -> id, Junk -> skipped, Who -> name)"
        .replace("d.csv", dir.resolve("d.csv").toString()));
  }

  @Test
  void theListTravelsToWorkerProcesses() throws IOException {
    Path in = Files.createDirectory(dir.resolve("many"));
    for (int f = 0; f < 4; f++) {
      Files.writeString(in.resolve(f + ".csv"), "x," + f + ",n" + f + "\n");
    }
    String table = "people" + (++tables);
    TestPg.exec(DB, "CREATE TABLE " + table + " (id int, name text, note text)");
    ImportReport r = Importer.run(DB, ImportOptions.builder(table).path(in.toString())
        .header(Header.NO).columns(List.of("", "id", "name")).executor("processes").workers(2)
        .build(), ImportListener.none());
    assertThat(r.executor()).isEqualTo("processes");
    assertThat(rows(table)).isEqualTo("0|n0|~;1|n1|~;2|n2|~;3|n3|~");
  }

  @Test
  void aHeaderIsDetectedAgainstTheListedColumnsTypes() throws IOException {
    List<String> messages = new ArrayList<>();
    ImportOptions o = people(file("e.csv", "x,number,who\nq,1,ann\n"), CopyFormat.BINARY, "",
        "id", "name").header(Header.AUTO).build();
    Importer.run(DB, o, Told.into(messages));
    assertThat(rows(o.table())).isEqualTo("1|ann|~");
    assertThat(messages).anyMatch(m -> m.startsWith("header: yes"));
  }

  @Test
  void aBigFileCutIntoPiecesWithAHeaderAndAList() throws IOException {
    StringBuilder sb = new StringBuilder("a,b,c\n");
    int n = 120_000;
    for (int i = 0; i < n; i++) {
      sb.append("skip me ").append(i).append(',').append(i).append(",name ").append(i)
          .append('\n');
    }
    ImportOptions o = people(file("big.csv", sb.toString()), CopyFormat.BINARY, "", "id", "name")
        .header(Header.YES).taskSizeMb(1).workers(2).build();
    ImportReport r = Importer.run(DB, o, ImportListener.none());
    assertThat(r.pieces()).isGreaterThan(1);
    assertThat(r.rowsLoaded()).isEqualTo(n);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM " + o.table()
        + " WHERE name = 'name ' || id AND note IS NULL")).isEqualTo(n);
  }

  /**
   * A file bigger than the load's buffer is read in parts of a quarter of it; a header longer
   * than the first part is read on into the buffer and skipped whole, not cut where the part
   * ends (which made it unequal to the header the plan read, and the import refused the file):
   * with LF line ends, with a BOM and CRLF, and gzipped (a compressed file is read in parts too).
   */
  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void aHeaderLongerThanTheFirstPartReadIsSkippedWhole(CopyFormat f) throws IOException {
    int n = 80_000;
    for (String shape : List.of("lf", "bom-crlf", "gzip")) {
      String eol = shape.equals("bom-crlf") ? "\r\n" : "\n";
      StringBuilder sb = new StringBuilder(shape.equals("bom-crlf") ? "\uFEFF" : "")
          .append("x".repeat(400_000)).append(",id,name").append(eol);
      for (int i = 0; i < n; i++) {
        sb.append("s,").append(i).append(",name ").append(i).append(eol);
      }
      byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
      Path p = dir.resolve(shape + (shape.equals("gzip") ? ".csv.gz" : ".csv"));
      if (shape.equals("gzip")) {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
          out.write(bytes);
        }
        bytes = gz.toByteArray();
      }
      Files.write(p, bytes);
      ImportOptions o = people(p, f, "", "id", "name").header(Header.YES).build();
      ImportReport r = Importer.run(DB, o, ImportListener.none());
      assertThat(r.rowsLoaded()).as(shape).isEqualTo(n);
      assertThat(TestPg.count(DB, "SELECT count(*) FROM " + o.table()
          + " WHERE name = 'name ' || id")).as(shape).isEqualTo(n);
    }
  }

  @Test
  void aRefusedHeaderOfHundredsOfKilobytesIsShownCut() throws IOException {
    Path d = Files.createDirectories(dir.resolve("wide"));
    Files.writeString(d.resolve("a.csv"), "x".repeat(400_000) + ",id,name\n,1,Ann\n");
    Files.writeString(d.resolve("b.csv"), "z,2,Bob\n");
    ImportOptions o = people(d, CopyFormat.BINARY, "", "id", "name").header(Header.YES).build();
    assertThatThrownBy(() -> Importer.run(DB, o, ImportListener.none()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(d.resolve("b.csv") + ":1: the first record [z, 2, Bob] is not the header ["
            + "x".repeat(100) + "... (400000 characters), id, name] that the first file starts"
            + " with: under a column list every file starts with that header, or none has one");
  }

  @Test
  void aFileThatDoesNotStartWithTheHeaderIsRefusedNotCutShort() throws IOException {
    // split -l makes a first file with the header and others without: skipping their first
    // record as a header lost a row without a word
    Path d = Files.createDirectories(dir.resolve("parts"));
    Files.writeString(d.resolve("a.csv"), "id,junk,name\n1,x,Ann\n2,y,Bob\n");
    Files.writeString(d.resolve("b.csv"), "3,z,Cy\n4,w,Di\n");
    ImportOptions o = people(d, CopyFormat.BINARY, "id", "", "name").header(Header.YES).build();
    assertThatThrownBy(() -> Importer.run(DB, o, ImportListener.none()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(d.resolve("b.csv") + ":1: the first record [3, z, Cy] is not the header [id,"
            + " junk, name] that the first file starts with: under a column list every file"
            + " starts with that header, or none has one");
    assertThat(TestPg.count(DB, "SELECT count(*) FROM " + o.table() + " WHERE id IN (3, 4)"))
        .isZero();
  }

  @Test
  void aNameTheTableLacksIsRefusedBeforeLoading() throws IOException {
    ImportOptions o = people(file("f.csv", "1,ann\n"), CopyFormat.BINARY, "id", "nmae").build();
    assertThatThrownBy(() -> Importer.run(DB, o, ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .hasMessage("column \"nmae\" of the column list id,nmae is not a column of public."
            + o.table() + " (columns: id, name, note)")
        .hasMessageNotContaining("--")
        .satisfies(e -> assertThat(((ImportException) e).kind())
            .isEqualTo(ImportException.Kind.COLUMN_LIST));
    assertThat(TestPg.count(DB, "SELECT count(*) FROM " + o.table())).isZero();
  }

  @Test
  void twoNamesForOneColumnAreRefused() throws IOException {
    ImportOptions o = people(file("f2.csv", "1,2\n"), CopyFormat.BINARY, "id", "ID").build();
    assertThatThrownBy(() -> Importer.run(DB, o, ImportListener.none()))
        .hasMessage("column \"ID\" of the column list id,ID is the same column of public."
            + o.table() + " as another name of the list");
  }

  @Test
  void aColumnNotLoadedDoesNotKeepTheLoadFromBinary() throws IOException {
    String table = "people" + (++tables);
    TestPg.exec(DB, "CREATE TABLE " + table + " (id int, name text, extra jsonb)");
    List<String> told = new ArrayList<>();
    Importer.run(DB, ImportOptions.builder(table).path(file("k.csv", "1,ann\n").toString())
        .header(Header.NO).columns(List.of("id", "name")).build(), Told.into(told));
    assertThat(told).noneMatch(m -> m.startsWith("binary COPY not used"));
    assertThat(TestPg.text(DB, "SELECT id || name FROM " + table)).isEqualTo("1ann");
  }

  @Test
  void namesDifferingOnlyInCaseFindTheColumn() throws IOException {
    ImportOptions o = people(file("g.csv", "1,ann\n"), CopyFormat.BINARY, "ID", "Name").build();
    Importer.run(DB, o, ImportListener.none());
    assertThat(rows(o.table())).isEqualTo("1|ann|~");
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void aRecordWithFewerFieldsStopsAtItsLine(CopyFormat f) throws IOException {
    Path p = file("h.csv", "1,j,ann\n2,j\n3,j,cid\n");
    ImportOptions o = people(p, f, "id", "", "name").build();
    assertThatThrownBy(() -> Importer.run(DB, o, ImportListener.none()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(p + ":2: missing data for column \"name\"");
    assertThat(TestPg.count(DB, "SELECT count(*) FROM " + o.table())).isZero();
  }

  @ParameterizedTest
  @EnumSource(CopyFormat.class)
  void recordsWithAnotherFieldCountAreBadRowsUnderMaxErrors(CopyFormat f) throws IOException {
    Path p = file("i.csv", "1,j,ann\n2,j\n3,j,cid,extra\n4,j,dan\n");
    ImportOptions o = people(p, f, "id", "", "name").maxErrors(5)
        .rejects(dir.resolve("i.rejects")).build();
    ImportReport r = Importer.run(DB, o, ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(2);
    assertThat(r.rowsRejected()).isEqualTo(2);
    assertThat(rows(o.table())).isEqualTo("1|ann|~;4|dan|~");
    assertThat(Files.readString(dir.resolve("i.rejects")))
        .contains("\"" + p + "\",2,\"missing data for column \"\"name\"\"\",\"2,j\"\n")
        .contains("\"" + p + "\",3,\"extra data after last expected column\",\"3,j,cid,extra\"\n");
  }

  @Test
  void aLineBreakInASkippedFieldLoadsAsBinaryAndIsRefusedAsText() throws IOException {
    Path p = file("j.csv", "1,\"two\nlines\",ann\n");
    ImportOptions binary = people(p, CopyFormat.BINARY, "id", "", "name").build();
    Importer.run(DB, binary, ImportListener.none());
    assertThat(rows(binary.table())).isEqualTo("1|ann|~");
    ImportOptions text = people(p, CopyFormat.TEXT, "id", "", "name").build();
    assertThatThrownBy(() -> Importer.run(DB, text, ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .hasMessageContaining("a field that the column list skips holds a line break");
    assertThat(TestPg.count(DB, "SELECT count(*) FROM " + text.table())).isZero();
  }
}

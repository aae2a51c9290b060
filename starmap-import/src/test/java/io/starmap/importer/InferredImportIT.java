package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.core.Recorder;
import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code createInferred} and the sniffed dialect, end to end into the embedded PostgreSQL. */
@Timeout(300)
class InferredImportIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static PgTarget DB;
  static int tables;

  @BeforeAll
  static void database() {
    DB = PgTarget.of(PG.database());
  }

  @TempDir Path dir;

  final List<String> messages = Collections.synchronizedList(new ArrayList<>());
  final List<String> logged = Collections.synchronizedList(new ArrayList<>());

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content.getBytes(StandardCharsets.UTF_8));
    return p;
  }

  private ImportOptions.Builder inferred(String table, Path... paths) {
    ImportOptions.Builder b = ImportOptions.builder(table).createInferred().workers(1)
        .recorder(new Recorder() {
          @Override
          public void log(System.Logger.Level level, String message) {
            logged.add(message);
          }
        });
    for (Path p : paths) {
      b.path(p.toString());
    }
    return b;
  }

  private ImportReport run(ImportOptions o) {
    return Importer.run(DB, o, new ImportListener() {
      @Override
      public void onProgress(ImportProgress p) {}

      @Override
      public void onMessage(String m) {
        messages.add(m);
      }
    });
  }

  private static String columns(String table) {
    return TestPg.text(DB, "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod),"
        + " ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '" + table + "'::regclass"
        + " AND attnum > 0 AND NOT attisdropped");
  }

  @Test
  void aSemicolonFileWithAHeaderMakesItsTableAndLoads() throws IOException {
    Path p = file("prices.csv", "code;day;price;seen;id\n"
        + "000001;2024-01-02;20.95;2024-01-02 10:00:00+00;123e4567-e89b-12d3-a456-426614174000\n"
        + "000002;2024-01-03;10.5;2024-01-03 11:00:00+00;\n");
    ImportReport r = run(inferred("inferred_prices", p).build());
    assertThat(r.rowsLoaded()).isEqualTo(2);
    assertThat(r.headerUsed()).isTrue();
    assertThat(columns("inferred_prices")).isEqualTo("code text, day date, price numeric,"
        + " seen timestamp with time zone, id uuid");
    assertThat(TestPg.text(DB, "SELECT code || ' ' || price FROM inferred_prices WHERE day ="
        + " '2024-01-03'")).isEqualTo("000002 10.5");
    String created = "created table public.inferred_prices (\"code\" text, \"day\" date,"
        + " \"price\" numeric, \"seen\" timestamptz, \"id\" uuid), inferred from 2 records of"
        + " 1 file";
    assertThat(messages).contains("dialect: delimiter ';', quote '\"' (sniffed from 1 file,"
        + " 3 records: 5 fields in every record)", created);
    assertThat(logged).contains(created);
  }

  @Test
  void theStatementIsGivenBeforeRunningIt() throws IOException {
    Path p = file("s.csv", "a,b\n1,x\n");
    ImportOptions o = inferred("never_run", p).build();
    InputShape shape = InputShape.settle(o, InputShape.ahead(o, List.of(
        new io.starmap.importer.internal.InputFile(p.toString(), p, Files.size(p),
            io.starmap.importer.internal.Compression.NONE)), null), null,
        m -> {});
    assertThat(shape.createStatement(o.table()))
        .isEqualTo("CREATE TABLE \"never_run\" (\"a\" integer, \"b\" text)");
  }

  @Test
  void anOverrideWinsAndOneNamingNoColumnStopsBeforeCreating() throws IOException {
    Path p = file("o.csv", "code,value\nA,1\nB,2\n");
    run(inferred("overridden", p).columnType("value", "numeric(12,2)").build());
    assertThat(columns("overridden")).isEqualTo("code text, value numeric(12,2)");
    assertThatThrownBy(() -> run(inferred("not_made", p).columnType("price", "numeric").build()))
        .isInstanceOf(ImportException.class)
        .hasMessage("a type is given for column price, which the input does not have (columns:"
            + " code, value)");
    assertThat(TestPg.count(DB, "SELECT count(*) FROM pg_class WHERE relname = 'not_made'"))
        .isZero();
  }

  @Test
  void aValueBeyondTheSampleFailsNamingColumnValueAndTypeAndTheReRunAfterAlterLoadsTheRest()
      throws IOException {
    StringBuilder sb = new StringBuilder("id,value\n");
    int rows = 0;
    // past the sample's first megabyte, in the last task (the plan runs the file's tail last)
    while (sb.length() < 3_900_000) {
      rows++;
      sb.append(rows).append(',').append(rows % 1000).append('\n');
    }
    rows++;
    sb.append(rows).append(",1.5\n");
    int badLine = rows + 1;
    for (int i = 0; i < 10; i++) {
      rows++;
      sb.append(rows).append(',').append(i).append('\n');
    }
    Path p = file("late.csv", sb.toString());
    ImportOptions o = inferred("late_values", p).taskSizeMb(1).build();
    assertThatThrownBy(() -> run(o))
        .isInstanceOfSatisfying(BadInputException.class, e -> {
          assertThat(e.kind()).isEqualTo(ImportException.Kind.INFERRED_TYPE_MISMATCH);
          assertThat(e.column()).isEqualTo("value");
          assertThat(e.inferredType()).isEqualTo("integer");
          assertThat(e.fittingType()).isEqualTo("numeric");
          assertThat(e.line()).isEqualTo(badLine);
          assertThat(e.getMessage()).isEqualTo(p + ":" + badLine + ": invalid input syntax for"
              + " type integer: \"1.5\" (column value); the column's type, integer, was inferred"
              + " from a sample of the input, which did not hold this value (numeric holds it)."
              + " What was loaded before stays in public.late_values: change the column's type"
              + " (ALTER TABLE \"public\".\"late_values\" ALTER COLUMN \"value\" TYPE numeric)"
              + " and import again, which loads only what is missing, or drop the table and"
              + " import again with the column's type given");
          assertThat(e.getMessage()).doesNotContain("--");
        });
    long committed = TestPg.count(DB, "SELECT count(*) FROM late_values");
    assertThat(committed).isPositive().isLessThan(rows);
    TestPg.exec(DB, "ALTER TABLE late_values ALTER COLUMN value TYPE numeric");
    ImportReport again = run(o);
    assertThat(again.rowsSkipped()).isEqualTo(committed);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM late_values")).isEqualTo(rows);
    assertThat(TestPg.count(DB, "SELECT count(DISTINCT id) FROM late_values")).isEqualTo(rows);
    assertThat(TestPg.text(DB, "SELECT value FROM late_values WHERE id = " + (badLine - 1)))
        .isEqualTo("1.5");
  }

  @Test
  void blankAndRepeatedHeaderNamesGetColumnsOfTheirOwnAndLoad() throws IOException {
    Path p = file("dup.csv", "a,a, \n1,2,x\n3,4,y\n");
    ImportReport r = run(inferred("dup_names", p).build());
    assertThat(r.rowsLoaded()).isEqualTo(2);
    assertThat(columns("dup_names")).isEqualTo("a integer, a_2 integer, column3 text");
    assertThat(TestPg.text(DB, "SELECT a_2 || column3 FROM dup_names WHERE a = 3"))
        .isEqualTo("4y");
    assertThat(messages).contains("header: field 2 \"a\" is named twice: column \"a_2\"");
  }

  @Test
  void aHeaderAloneMakesTextColumnsAndSaysSo() throws IOException {
    Path p = file("only_header.csv", "name,town\n");
    ImportReport r = run(inferred("header_only", p).build());
    assertThat(r.rowsLoaded()).isZero();
    assertThat(columns("header_only")).isEqualTo("name text, town text");
    assertThat(messages).contains("types: the sample has no data records below the header;"
        + " every column is text");
  }

  @Test
  void anEmptyInputIsRefusedInWords() throws IOException {
    Path p = file("empty.csv", "");
    assertThatThrownBy(() -> run(inferred("from_nothing", p).build()))
        .isInstanceOf(ImportException.class)
        .hasMessageContaining("cannot infer the table's columns: the input is empty");
  }

  @Test
  void filesInTwoDialectsAreRefusedBeforeAnythingLoads() throws IOException {
    Path a = file("a.csv", "x;y;z\n1;2;3\n");
    Path b = file("b.csv", "x,y\n1,2\n");
    assertThatThrownBy(() -> run(inferred("mixed", a, b).build()))
        .isInstanceOf(ImportException.class)
        .hasMessage("the files are not in one CSV dialect: " + a + " reads as delimiter ';',"
            + " quote '\"' (3 fields), but " + b + " as delimiter ',', quote '\"' (2 fields);"
            + " give the dialect, or import them separately");
    assertThat(TestPg.count(DB, "SELECT count(*) FROM pg_class WHERE relname = 'mixed'"))
        .isZero();
  }

  @Test
  void anExistingTablesColumnCountPicksTheDelimiterAndItsTypesAreKept() throws IOException {
    String table = PG.freshTable("left_part text, right_part text");
    Path p = file("two.csv", "a;b,c;d\ne;f,g;h\n");
    // alone, ';' would win with 3 fields; the table has 2; the inferred table is not made
    ImportReport r = run(inferred(table, p).columnType("nothing", "int").build());
    assertThat(r.rowsLoaded()).isEqualTo(2);
    assertThat(TestPg.text(DB, "SELECT right_part FROM " + table + " WHERE left_part = 'e;f'"))
        .isEqualTo("g;h");
    assertThat(messages).contains("dialect: delimiter ',', quote '\"' (sniffed from 1 file,"
        + " 2 records: 2 fields in every record)");
    assertThat(messages).noneMatch(m -> m.startsWith("created table") || m.startsWith(
        "dialect: delimiter ';'"));
  }

  @Test
  void aSniffedDialectLoadsIntoAnExistingTableAndAGivenOneIsKept() throws IOException {
    String table = PG.freshTable("code text, n int");
    Path p = file("t.tsv", "a\t1\nb\t2\n");
    ImportReport r = run(ImportOptions.builder(table).path(p.toString()).workers(1).build());
    assertThat(r.rowsLoaded()).isEqualTo(2);
    assertThat(messages).anyMatch(m -> m.startsWith("dialect: delimiter tab, quote '\"'"));
    messages.clear();
    Path c = file("c.csv", "c;3\n");
    assertThatThrownBy(() -> run(ImportOptions.builder(table).path(c.toString()).delimiter(',')
        .quote('"').build()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(c + ":1: missing data for column \"n\"");
    assertThat(messages).noneMatch(m -> m.startsWith("dialect:"));
  }
}

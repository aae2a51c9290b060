package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Importer#plan}: what the import would do, from its own prepare and plan stages, with
 * the database left exactly as it was (the catalog compared before and after).
 */
@Timeout(300)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DryRunIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static PgTarget DB;

  @BeforeAll
  static void database() {
    DB = PgTarget.of(PG.database());
  }

  @TempDir Path dir;

  /** Every relation of the database outside the system schemas, with its kind and columns. */
  static String catalog() {
    return TestPg.text(DB, "SELECT coalesce(string_agg(n.nspname || '.' || c.relname || ':'"
        + " || c.relkind::text || ':' || coalesce((SELECT string_agg(attname || ' ' || format_type("
        + "atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = c.oid"
        + " AND attnum > 0), ''), ';' ORDER BY n.nspname, c.relname), '') FROM pg_class c"
        + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN"
        + " ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'");
  }

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  @Order(1)
  void createsNoTableNoLedgerAndTellsTheStatementAndTheRows() throws IOException {
    assertThat(TestPg.text(DB, "SELECT to_regclass('starmap_ledger')::text")).isNull();
    String before = catalog();
    Path p = file("people.csv", "Id,Junk,Who\n1,\"x,y\",ann\n2,j,NA\n3,j,\"NA\"\n");
    List<String> told = new ArrayList<>();
    ImportPlan plan = Importer.plan(DB, ImportOptions.builder("people").path(p.toString())
        .create("id int PRIMARY KEY, name text, note text").header(Header.YES).nullString("NA")
        .columns(List.of("id", "", "name")).build(), Told.into(told));
    assertThat(catalog()).isEqualTo(before);
    assertThat(TestPg.text(DB, "SELECT to_regclass('starmap_ledger')::text")).isNull();
    assertThat(plan.tableExists()).isFalse();
    assertThat(plan.createStatement()).isEqualTo("CREATE TABLE IF NOT EXISTS \"people\" (\n"
        + "id int PRIMARY KEY, name text, note text\n)");
    assertThat(plan.tableColumns()).containsExactly("\"id\" integer", "\"name\" text",
        "\"note\" text");
    assertThat(plan.header()).isTrue();
    assertThat(plan.columns()).containsExactly("id", "name");
    assertThat(plan.sampleRows()).containsExactly(List.of("1", "ann"), Arrays.asList("2", null),
        List.of("3", "NA"));
    assertThat(plan.files()).isEqualTo(1);
    assertThat(plan.pieces()).isEqualTo(1);
    assertThat(plan.tasks()).isEqualTo(1);
    assertThat(plan.delimiter()).isEqualTo(',');
    assertThat(plan.nullString()).isEqualTo("NA");
    assertThat(plan.encoding()).isEqualTo("UTF8");
    assertThat(told).contains("would create table public.people (id int PRIMARY KEY, name text,"
        + " note text)").anyMatch(m -> m.startsWith("header: the first record of each file is"
        + " skipped")).anyMatch(m -> m.startsWith("plan: 1 file, "));
    assertThat(plan.messages()).isEqualTo(told);
  }

  @Test
  @Order(2)
  void thePlanIsTheRunsAndATruncateIsOnlyCounted() throws IOException {
    Path in = Files.createDirectory(dir.resolve("in"));
    for (int f = 0; f < 6; f++) {
      Files.writeString(in.resolve("d" + f + ".csv"), "a" + f + ",1\nb" + f + ",2\n");
    }
    ImportOptions.Builder b = ImportOptions.builder("pairs").path(in.toString())
        .create("k text, v int").header(Header.NO).workers(2);
    ImportPlan dry = Importer.plan(DB, b.build(), ImportListener.none());
    ImportReport real = Importer.run(DB, b.build(), ImportListener.none());
    assertThat(dry.pieces()).isEqualTo(real.pieces()).isEqualTo(6);
    assertThat(dry.tasks()).isEqualTo(real.tasks());
    assertThat(dry.sampleRows()).containsExactly(List.of("a0", "1"), List.of("b0", "2"));

    String before = catalog();
    String ledger = TestPg.text(DB, "SELECT string_agg(file_hash || start_offset, ','"
        + " ORDER BY file_hash) FROM starmap_ledger");
    ImportPlan again = Importer.plan(DB, b.build(), ImportListener.none());
    assertThat(again.tableExists()).isTrue();
    assertThat(again.pieces()).isZero();
    assertThat(again.piecesSkipped()).isEqualTo(6);
    assertThat(again.rowsSkipped()).isEqualTo(12);
    ImportPlan truncating = Importer.plan(DB, b.truncate(true).force(true).build(),
        ImportListener.none());
    assertThat(truncating.truncate()).isTrue();
    assertThat(truncating.rowsTruncated()).isEqualTo(12);
    assertThat(truncating.pieces()).isEqualTo(6);
    assertThat(catalog()).isEqualTo(before);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM pairs")).isEqualTo(12);
    assertThat(TestPg.text(DB, "SELECT string_agg(file_hash || start_offset, ','"
        + " ORDER BY file_hash) FROM starmap_ledger")).isEqualTo(ledger);
  }

  @Test
  @Order(3)
  void refusesWhatTheRunWouldRefuseAndCreatesNothing() throws IOException {
    Path p = file("x.csv", "1,2\n");
    String before = catalog();
    assertThatThrownBy(() -> Importer.plan(DB, ImportOptions.builder("absent")
        .path(p.toString()).build(), ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .satisfies(e -> assertThat(((ImportException) e).kind())
            .isEqualTo(ImportException.Kind.TABLE_MISSING));
    assertThatThrownBy(() -> Importer.plan(DB, ImportOptions.builder("lacking")
        .path(p.toString()).create("a int, b int").columns(List.of("a", "c")).build(),
        ImportListener.none()))
        .hasMessageStartingWith("column \"c\" of the column list a,c is not a column of"
            + " public.lacking");
    assertThatThrownBy(() -> Importer.plan(DB, ImportOptions.builder("badsql")
        .path(p.toString()).create("a nosuchtype").build(), ImportListener.none()))
        .hasMessageContaining("type \"nosuchtype\" does not exist");
    assertThat(catalog()).isEqualTo(before);
  }

  @Test
  @Order(4)
  void aWholeFileWithoutAFinalLineEndShowsItsLastRecord() throws IOException {
    Path p = file("last.csv", "1,ann\n2,bob");
    ImportPlan plan = Importer.plan(DB, ImportOptions.builder("last_line").path(p.toString())
        .create("id int, name text").header(Header.NO).build(), Told.into(new ArrayList<>()));
    assertThat(plan.sampleRows()).containsExactly(List.of("1", "ann"), List.of("2", "bob"));
  }
}

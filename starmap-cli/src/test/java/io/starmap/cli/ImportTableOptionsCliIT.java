package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --columns}, {@code --truncate} and {@code --dry-run} from the command line: what they
 * do, what they print, their errors.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ImportTableOptionsCliIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path home;
  @TempDir Path data;
  @RegisterExtension final TempHome useHome = TempHome.eachTest(() -> home);

  /** {@code starmap import ARGS} into the test's database. */
  static Cli.Result importing(String... args) {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("import", "--db",
        PG.database().url().psqlUrl()));
    all.addAll(java.util.List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }

  static String query(String sql) {
    Cli.Result r = Cli.run("sql", "--db", PG.database().url().psqlUrl(), "--format", "csv", sql);
    assertThat(r.code()).as(r.err()).isZero();
    return r.out();
  }

  @Test
  void columnsMapAndSkipFields() throws IOException {
    Path f = data.resolve("people.csv");
    Files.writeString(f, "junk,2,bob\njunk,1,ann\n");
    Cli.Result r = importing(f.toString(), "--table", "cli_people", "--create",
        "id int, name text, note text", "--header", "no", "--columns", "-,id,name");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(query("select id, name, note from cli_people order by id"))
        .isEqualTo("id,name,note\n1,ann,\n2,bob,\n");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      a,,a | column a is given twice in the column list [a, , a]
      -,-  | the column list [, ] skips every field
      """)
  void aBadListIsAUsageErrorNamingTheOptionAndTheValue(String list, String why)
      throws IOException {
    Path f = data.resolve("bad.csv");
    Files.writeString(f, "1,2,3\n");
    Cli.Result r = importing(f.toString(), "--table", "cli_bad", "--create", "a int",
        "--columns", list);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("starmap: --columns " + list + ": " + why + "\n");
  }

  @Test
  void aColumnTheTableLacksIsOneLineNamingTheOptionAndTheValue() throws IOException {
    Path f = data.resolve("lacks.csv");
    Files.writeString(f, "1,2\n");
    Cli.Result r = importing(f.toString(), "--table", "cli_lacks", "--create", "a int, b int",
        "--columns", "a,c");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).endsWith("starmap: column \"c\" of the column list a,c is not a column"
        + " of public.cli_lacks (columns: a, b) (--columns) (calculation 1)\n");
    assertThat(r.err()).doesNotContain("\tat ");
  }

  @Test
  void truncateLoadsTheSameFilesAgainIntoAnEmptiedTable() throws IOException {
    Path f = data.resolve("t.csv");
    Files.writeString(f, "1,a\n2,b\n");
    for (int run = 0; run < 2; run++) {
      Cli.Result r = importing(f.toString(), "--table", "cli_trunc", "--create", "id int, v text",
          "--truncate", "--format", "csv");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains(",public.cli_trunc,1,1,2,0,0,");
      assertThat(r.err()).contains("starmap: truncated public.cli_trunc and forgot its "
          + run + " ledger entries");
    }
    assertThat(query("select count(*) from cli_trunc")).isEqualTo("count\n2\n");
  }

  @Test
  void aDryRunPrintsThePlanAsJsonAndChangesNothing() throws IOException {
    Path f = data.resolve("dry.csv");
    Files.writeString(f, "id,skip,who\n1,x,ann\n2,y,\n");
    Cli.Result r = importing(f.toString(), "--table", "cli_dry", "--create",
        "id int, name text", "--columns", "id,-,name", "--dry-run", "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("{\n  \"table\": \"public.cli_dry\",\n"
        + "  \"create\": \"CREATE TABLE IF NOT EXISTS \\\"cli_dry\\\" (\\nid int, name text\\n)\",\n"
        + "  \"table_columns\": [\"\\\"id\\\" integer\", \"\\\"name\\\" text\"],\n")
        .contains("  \"header\": true,\n  \"columns\": [\"id\", \"name\"],\n  \"files\": 1,\n"
        + "  \"pieces\": 1,\n  \"tasks\": 1,\n")
        .contains("  \"sample_rows\": [[\"1\", \"ann\"], [\"2\", null]],\n")
        .endsWith("  \"loaded\": false\n}\n");
    assertThat(r.err()).contains("starmap: header: yes (the first record of " + f
        + " does not parse as the column types)");
    assertThat(query("select to_regclass('cli_dry') is null as absent"))
        .isEqualTo("absent\ntrue\n");
    Cli.Result calcs = Cli.run("calcs", "list", "--format", "csv");
    assertThat(calcs.out()).doesNotContain("cli_dry");
  }

  @Test
  void aDryRunForAReaderShowsTheFirstRowsWithTheirNulls() throws IOException {
    Path f = data.resolve("reader.csv");
    Files.writeString(f, "1,ann\n2,\n");
    Cli.Result r = importing(f.toString(), "--table", "cli_reader", "--create",
        "id int, name text", "--header", "no", "--dry-run");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("table:    public.cli_reader does not exist; the import"
        + " would run\n          CREATE TABLE IF NOT EXISTS \"cli_reader\" (\n          id int,"
        + " name text\n          )\n          which makes the columns \"id\" integer, \"name\""
        + " text\n")
        .contains("dialect:  delimiter ',', quote '\"', escape '\"', null '', encoding UTF8\n")
        .contains("header:   no\n")
        .contains("first 2 rows as they would be loaded:\n")
        .contains("NULL")
        .endsWith("dry run: nothing was created, truncated or loaded\n");

    assertThat(importing(f.toString(), "--table", "cli_reader", "--create", "id int, name text",
        "--header", "no").code()).isZero();
    Cli.Result loaded = importing(f.toString(), "--table", "cli_reader", "--header", "no",
        "--dry-run");
    assertThat(loaded.code()).as(loaded.err()).isZero();
    assertThat(loaded.out()).startsWith("table:    public.cli_reader exists with columns \"id\""
        + " integer, \"name\" text\n")
        .contains("plan:     1 file, 0 pieces in 0 tasks, 0 bytes to load; 1 piece (2 rows)"
        + " already loaded\n");
  }
}

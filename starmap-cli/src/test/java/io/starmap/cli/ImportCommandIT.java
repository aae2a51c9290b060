package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.ImportException;
import io.starmap.importer.testing.PostgresExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ImportCommandIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path home;
  @TempDir Path data;
  @RegisterExtension final TempHome useHome = TempHome.eachTest(() -> home);

  private static Cli.Result importing(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "import";
    all[1] = "--db";
    all[2] = PG.database().url().psqlUrl();
    System.arraycopy(args, 0, all, 3, args.length);
    return Cli.run(all);
  }

  @Test
  void importsPrintsASummaryAndRecordsACalculation() throws IOException {
    for (int d = 1; d <= 3; d++) {
      Files.writeString(data.resolve("p" + d + ".csv"),
          "000001,2024-01-0" + d + ",1.50\n000002,2024-01-0" + d + ",2.50\n");
    }
    Cli.Result r = importing(data.toString(), "--table", "prices", "--create",
        "code text, date date, value numeric", "--format", "csv");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("calc,table,files,pieces,rows loaded,rejected,"
        + "skipped as already loaded,bytes,time s,rows/s\n");
    assertThat(r.out()).contains(",public.prices,3,3,6,0,0,");
    assertThat(r.err()).contains("plan: 3 files");

    Cli.Result again = importing(data.toString(), "--table", "prices", "--format", "csv");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains(",public.prices,3,0,0,0,6,0,");

    Cli.Result calcs = Cli.run("calcs", "list", "--format", "csv");
    assertThat(calcs.code()).as(calcs.err()).isZero();
    assertThat(calcs.out()).contains("import " + data + " into prices");
    Cli.Result perf = Cli.run("show", "performance", "-2");
    assertThat(perf.code()).as(perf.err()).isZero();
    assertThat(perf.out()).contains("copy").contains("commit").contains("read");
    // the run's own stages, outside any task: one call each, no task
    for (String stage : List.of("prepare", "plan", "confirm")) {
      assertThat(perf.out().lines().filter(l -> l.matches(stage + " +\\|.*\\| +1 \\| +0 \\| +0")))
          .as(stage).hasSize(1);
    }
  }

  @Test
  void aDashReadsStandardInputAndItsErrorsNameTheLine() {
    InputStream in = System.in;
    try {
      System.setIn(new ByteArrayInputStream(("000001,2024-01-01,1.50\n\"00\n02\",2024-01-02,2.50\n")
          .getBytes(StandardCharsets.UTF_8)));
      Cli.Result r = importing("-", "--table", "from_stdin", "--create",
          "code text, date date, value numeric", "--format", "csv");
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out()).contains(",public.from_stdin,1,1,2,0,0,");
      assertThat(r.err()).contains("starmap: standard input: cut while it is read")
          .contains(" MB read, 1 tasks done, 2 rows").doesNotContain("plan:");

      System.setIn(new ByteArrayInputStream("a,2024-01-01,1\nb,2024-01-02,x\n"
          .getBytes(StandardCharsets.UTF_8)));
      Cli.Result bad = importing("-", "--table", "from_stdin");
      assertThat(bad.code()).isEqualTo(1);
      assertThat(bad.err()).endsWith("starmap: standard input:2: invalid input syntax for type"
          + " numeric: \"x\" (column value)\n");
    } finally {
      System.setIn(in);
    }
  }

  @Test
  void badInputIsOneLineWithExit1() throws IOException {
    Path f = data.resolve("bad.csv");
    Files.writeString(f, "a,2024-01-01,1\nb,2024-01-02,x\n");
    Cli.Result r = importing(f.toString(), "--table", "badcli", "--create",
        "code text, date date, value numeric");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).endsWith("starmap: " + f
        + ":2: invalid input syntax for type numeric: \"x\" (column value)\n");
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void theLibrarysKindsOfFailureAreAnsweredWithTheOptions() throws IOException {
    Path f = data.resolve("kinds.csv");
    Files.writeString(f, "a,2024-01-01,1\nb,2024-01-02,x\nc,2024-01-03,y\n");
    Cli.Result missing = importing(f.toString(), "--table", "nosuch", "--header", "no");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("table nosuch does not exist")
        .contains("; give --create \"col type, ...\" to create it");
    Cli.Result blank = importing(f.toString(), "--table", "nosuch", "--create", " ");
    assertThat(blank.code()).isEqualTo(2);
    assertThat(blank.err()).contains("--create needs column definitions");
    Cli.Result budget = importing(f.toString(), "--table", "budget", "--create",
        "code text, date date, value numeric", "--header", "no", "--max-errors", "1");
    assertThat(budget.code()).isEqualTo(1);
    assertThat(budget.err()).contains("more than 1 bad rows").contains("(--max-errors 1)");
    assertThat(ImportCommand.message(new ImportException(
        ImportException.Kind.FILE_CHANGED_AFTER_PARTIAL_LOAD, "f.csv has changed", null), 0))
        .isEqualTo("f.csv has changed (bad rows are allowed with --max-errors N, a forced"
            + " reload is --force)");
    ImportException badRow = new ImportException(ImportException.Kind.BAD_ROW, "f.csv:2: bad",
        null);
    badRow.addSuppressed(new ImportException(ImportException.Kind.COMMITS_UNCONFIRMED,
        "the rows are committed, but not confirmed", null));
    assertThat(ImportCommand.message(badRow, 0))
        .isEqualTo("f.csv:2: bad; and the rows are committed, but not confirmed");
  }

  @Test
  void anUnknownEncodingIsNamedQuotedWithTheKnownOnes() throws IOException {
    Path f = data.resolve("enc.csv");
    Files.writeString(f, "a,2024-01-01,1\n");
    Cli.Result r = importing(f.toString(), "--table", "enc", "--create",
        "code text, date date, value numeric", "--encoding", "bogus'x");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).as(r.err()).contains("unknown encoding 'bogus''x'; known: UTF8,")
        .contains("WIN1252").doesNotContain("\tat ");
    Cli.Result plain = importing(f.toString(), "--table", "enc", "--create",
        "code text, date date, value numeric", "--encoding", "bogus");
    assertThat(plain.code()).isNotZero();
    assertThat(plain.err()).as(plain.err()).contains("unknown encoding 'bogus'; known: UTF8,");
  }

  @Test
  void aKnownEncodingByItsUsualNameIsReadByTheServer() throws Exception {
    Path f = data.resolve("cyrillic.csv");
    Files.write(f, "\u0436\u0443\u043a,2024-01-01,1\n".getBytes("windows-1251"));
    Cli.Result r = importing(f.toString(), "--table", "cyr", "--create",
        "code text, date date, value numeric", "--encoding", "cp1251", "--header", "no");
    assertThat(r.code()).as(r.err()).isZero();
    try (java.sql.Connection c = PG.connect(); java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT code FROM cyr")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("\u0436\u0443\u043a");
    }
  }

  @Test
  void rejectsGoBesideTheCalculationByDefault() throws IOException {
    Path f = data.resolve("mixed.csv");
    Files.writeString(f, "a,2024-01-01,1\nb,2024-01-02,x\nc,2024-01-03,3\n");
    Cli.Result r = importing(f.toString(), "--table", "rej", "--create",
        "code text, date date, value numeric", "--max-errors", "10", "--format", "csv");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(",public.rej,1,1,2,1,0,");
    try (var files = Files.list(home)) {
      Path rejects = files.filter(p -> p.getFileName().toString().endsWith(".rejects"))
          .findFirst().orElseThrow();
      assertThat(Files.readString(rejects)).contains(f + "\",2,");
      assertThat(r.err()).contains("1 bad rows written to " + rejects);
    }
  }

  @Test
  void badOptionsAreUsageErrors() {
    Cli.Result r = importing(data.toString(), "--table", "x", "--delimiter", "\"");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("delimiter and quote must differ");
    Cli.Result missing = importing(data.resolve("nope.csv").toString(), "--table", "x");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("no such file or directory");
  }

  @Test
  void anImportTakesWhatMainPrefetchedAndWhatIsNotTakenIsClosed() throws IOException {
    Files.writeString(data.resolve("p.csv"), "000001,2024-01-01,1.50\n");
    String[] args = {"import", "--db", PG.database().url().psqlUrl(), data.toString(), "--table",
        "prefetched", "--create", "code text, date date, value numeric"};
    ImportPrefetch.startIfImport(args);
    Cli.Result r = Cli.run(args);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("public.prefetched");
    assertThat(ImportPrefetch.take()).as("taken by the import").isNull();

    // the database named by --db, taken only by an import of that same database
    ImportPrefetch.startIfImport(new String[] {"import", "--db=postgresql://127.0.0.1:1/d", "x"});
    ImportPrefetch p = ImportPrefetch.take();
    assertThat(p).isNotNull();
    assertThat(p.databaseUrl).isEqualTo("postgresql://127.0.0.1:1/d");
    assertThat(p.databaseOrNull(null)).isNull();
    assertThat(p.databaseOrNull("postgresql://127.0.0.1:1/d")).isNotNull();
    p.store.join().close();
    // this home has no embedded database: it is created on the command's own path, not here
    ImportPrefetch.startIfImport(new String[] {"import", "x", "--table", "t"});
    p = ImportPrefetch.take();
    assertThat(p.database).as("no embedded database to open").isNull();
    p.store.join().close();

    // a usage error never reaches the command: discard closes what was opened
    String[] bad = {"import", "--db", PG.database().url().psqlUrl(), "x", "--no-such-option"};
    ImportPrefetch.startIfImport(bad);
    assertThat(Cli.run(bad).code()).isEqualTo(2);
    ImportPrefetch.discard();
    assertThat(ImportPrefetch.take()).isNull();

    for (String[] none : new String[][] {{"sql", "select 1"}, {"import", "--help"}, {}}) {
      ImportPrefetch.startIfImport(none);
      assertThat(ImportPrefetch.take()).as(String.join(" ", none)).isNull();
    }
  }
}

package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.core.processes.ProcessPools;
import io.starmap.importer.testing.PostgresExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code -} among the paths: standard input cut into pieces while it is read, loaded as the same
 * rows as the same bytes in a file, exactly once across re-runs, with errors that name the line
 * in the whole stream.
 */
@Timeout(300)
class StdinImportIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static final String COLS = "code text, date date, value numeric(12,2), note text";
  static PgTarget db;

  @TempDir Path dir;

  @BeforeAll
  static void database() {
    db = PgTarget.of(PG.database());
  }

  @AfterAll
  static void stopWorkers() {
    ProcessPools.shutdown();
  }

  /**
   * About {@code rows} x 100 bytes of CSV whose every record has a quoted field with a newline
   * inside it, so that a cut at a newline rather than at a record boundary would split records.
   */
  static byte[] csv(int rows) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      sb.append(String.format("%06d,2024-01-%02d,%d.%02d,\"first line %d\nsecond, \"\"quoted\"\""
          + " line %s\"%n", i, 1 + i % 28, i % 1000, i % 100, i, "x".repeat(i % 40)));
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static ImportOptions.Builder options(String table, String... paths) {
    return ImportOptions.builder(table).paths(List.of(paths)).create(COLS).taskSizeMb(1)
        .workers(2);
  }

  static ImportReport fromStdin(ImportOptions o, byte[] in, List<String> messages) {
    ImportListener l = new ImportListener() {
      @Override
      public void onProgress(ImportProgress p) {
        assertThat(p.bytesTotal()).isEqualTo(-1);
      }

      @Override
      public void onMessage(String m) {
        messages.add(m);
      }
    };
    return new ImportRun(db, o, l, new ByteArrayInputStream(in)).run();
  }

  /** The table's rows, in one text, to compare two tables. */
  static String content(String table) {
    return TestPg.text(db, "SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY code,"
        + " note)) FROM " + table + " t");
  }

  static List<Path> spoolDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("starmap-stdin-")).toList();
    }
  }

  @Test
  void aHeaderUnderAColumnListIsSkippedOnceAndEveryRowLoads() {
    // the header under a column list is read twice (the decision, the header every file must
    // start with): the first piece must be read once, or a piece is lost
    StringBuilder sb = new StringBuilder("note,junk,code\n");
    for (int i = 0; i < 30_000; i++) {
      sb.append("n").append(i).append(",").append("x".repeat(40)).append(",c").append(i)
          .append('\n');
    }
    ImportReport r = fromStdin(ImportOptions.builder("stdin_columns").path("-").create(COLS)
        .header(Header.YES).columns(List.of("note", "", "code")).taskSizeMb(1).workers(2)
        .build(), sb.toString().getBytes(StandardCharsets.UTF_8), new ArrayList<>());
    assertThat(r.rowsLoaded()).isEqualTo(30_000);
    assertThat(TestPg.count(db, "SELECT count(DISTINCT code) FROM stdin_columns"
        + " WHERE note = 'n' || substr(code, 2)")).isEqualTo(30_000);
  }

  @Test
  void standardInputIsSniffedAndItsColumnsInferredFromItsFirstBytesWhichAreStillLoaded() {
    // semicolons and quoted numbers: only the sniffed dialect reads 3 fields and their types
    StringBuilder sb = new StringBuilder("code;day;price\n");
    for (int i = 0; i < 30_000; i++) {
      sb.append(String.format("c%05d;2024-02-%02d;\"%d.5\"%n", i, 1 + i % 28, i));
    }
    List<String> messages = new ArrayList<>();
    ImportReport r = fromStdin(ImportOptions.builder("stdin_inferred").path("-")
        .createInferred().taskSizeMb(1).workers(2).build(),
        sb.toString().getBytes(StandardCharsets.UTF_8), messages);

    assertThat(r.rowsLoaded()).isEqualTo(30_000);
    assertThat(messages).anyMatch(m -> m.startsWith("dialect: delimiter ';', quote '\"'"));
    assertThat(messages).anyMatch(m -> m.startsWith("created table public.stdin_inferred"
        + " (\"code\" text, \"day\" date, \"price\" numeric)"));
    assertThat(TestPg.text(db, "SELECT count(*) || ':' || sum(price) || ':' || min(day)"
        + " FROM stdin_inferred")).isEqualTo("30000:450000000.0:2024-02-01");
  }

  @ParameterizedTest
  @ValueSource(strings = {"threads", "processes"})
  void loadsTheSameRowsAsTheFileAndSkipsThemOnARerun(String executor) throws IOException {
    byte[] data = csv(40_000); // about 4 MB: pieces of 1 MB, cut across quoted newlines
    Path file = dir.resolve("in.csv");
    Files.write(file, data);
    Importer.run(db, options("file_" + executor, file.toString()).header(Header.NO)
        .executor(executor).build(), ImportListener.none());
    List<Path> before = spoolDirs();

    List<String> messages = new ArrayList<>();
    String table = "stdin_" + executor;
    ImportReport r = fromStdin(options(table, "-").header(Header.NO).executor(executor)
        .build(), data, messages);
    assertThat(r.rowsLoaded()).isEqualTo(40_000);
    assertThat(r.pieces()).isGreaterThanOrEqualTo(4);
    assertThat(r.accountingBalances()).isTrue();
    assertThat(content(table)).isEqualTo(content("file_" + executor));
    assertThat(spoolDirs()).isEqualTo(before);

    messages.clear();
    ImportReport again = fromStdin(options(table, "-").header(Header.NO).executor(executor)
        .build(), data, messages);
    assertThat(again.rowsLoaded()).isZero();
    assertThat(again.rowsSkipped()).isEqualTo(40_000);
    assertThat(again.piecesSkipped()).isEqualTo(r.pieces());
    assertThat(messages).contains(r.pieces() + " pieces (40000 rows) already loaded from"
        + " standard input");
    assertThat(content(table)).isEqualTo(content("file_" + executor));
  }

  @Test
  void forceLoadsStandardInputAgain() {
    byte[] data = csv(15_000);
    ImportReport first = fromStdin(options("forced", "-").header(Header.NO).build(), data,
        new ArrayList<>());
    ImportReport again = fromStdin(options("forced", "-").header(Header.NO).force(true).build(),
        data, new ArrayList<>());
    assertThat(again.rowsLoaded()).isEqualTo(15_000);
    assertThat(again.rowsSkipped()).isZero();
    assertThat(TestPg.count(db, "SELECT count(*) FROM forced")).isEqualTo(30_000);
    assertThat(TestPg.count(db, "SELECT count(*) FROM starmap_ledger WHERE table_name LIKE"
        + " 'public.forced%'")).isEqualTo(first.pieces());
  }

  @Test
  void theFirstLineIsTheHeaderOfTheWholeStream() {
    byte[] body = csv(25_000);
    byte[] header = "code,date,value,note\n".getBytes(StandardCharsets.UTF_8);
    byte[] in = new byte[header.length + body.length];
    System.arraycopy(header, 0, in, 0, header.length);
    System.arraycopy(body, 0, in, header.length, body.length);
    // the table's columns are in another order than the fields: only the first piece skips the
    // header, and every piece maps its fields by it
    List<String> messages = new ArrayList<>();
    ImportReport r = fromStdin(options("headed", "-")
        .create("note text, value numeric(12,2), date date, code text").build(), in, messages);
    assertThat(r.headerUsed()).isTrue();
    assertThat(r.pieces()).isGreaterThanOrEqualTo(2);
    assertThat(messages).anyMatch(m -> m.startsWith("header: yes (the first record of standard"
        + " input"));
    assertThat(r.rowsLoaded()).isEqualTo(25_000);
    assertThat(TestPg.count(db, "SELECT count(*) FROM headed WHERE code ~ '^[0-9]{6}$'"
        + " AND note LIKE 'first line %'")).isEqualTo(25_000);
  }

  @Test
  void atMostOnePieceWaitsBesideThoseLoadingAndNoneIsLeft() throws Exception {
    byte[] data = csv(130_000); // about 11 MB: a dozen pieces of 1 MB, read far faster than loaded
    Path tmp = Files.createDirectory(dir.resolve("tmp"));
    int[] most = {0};
    Set<String> modes = ConcurrentHashMap.newKeySet();
    boolean[] running = {true};
    Thread watcher = new Thread(() -> {
      while (running[0]) {
        try (Stream<Path> dirs = Files.list(tmp)) {
          for (Path d : dirs.toList()) {
            try (Stream<Path> pieces = Files.list(d)) {
              List<Path> found = pieces.toList();
              most[0] = Math.max(most[0], found.size());
              modes.add("dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(d)));
              for (Path f : found) {
                modes.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
              }
            } catch (IOException e) {
              // the directory went at the end of the import
            }
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    });
    String before = System.getProperty("java.io.tmpdir");
    System.setProperty("java.io.tmpdir", tmp.toString());
    watcher.start();
    ImportReport r;
    try {
      r = fromStdin(options("bounded", "-").header(Header.NO).build(), data, new ArrayList<>());
    } finally {
      running[0] = false;
      watcher.join();
      System.setProperty("java.io.tmpdir", before);
    }
    assertThat(r.pieces()).isGreaterThanOrEqualTo(10);
    assertThat(r.rowsLoaded()).isEqualTo(130_000);
    assertThat(most[0]).isBetween(1, 2 + 1); // 2 workers' pieces and the one cut next
    assertThat(modes).contains("dir rwx------", "rw-------")
        .allMatch(m -> m.equals("dir rwx------") || m.equals("rw-------"));
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void emptyAndHeaderOnlyInputLoadNothing() {
    List<String> messages = new ArrayList<>();
    ImportReport empty = fromStdin(options("empty_in", "-").build(), new byte[0], messages);
    assertThat(empty.rowsLoaded()).isZero();
    assertThat(empty.rowsRead()).isZero();
    assertThat(messages).contains("standard input is empty: no rows to load from it");
    messages.clear();
    ImportReport headerOnly = fromStdin(options("header_only", "-").build(),
        "code,date,value,note".getBytes(StandardCharsets.UTF_8), messages);
    assertThat(messages).contains("standard input holds only its header: no rows to load from"
        + " it");
    assertThat(headerOnly.headerUsed()).isTrue();
    assertThat(headerOnly.rowsLoaded()).isZero();
    assertThat(headerOnly.accountingBalances()).isTrue();
    assertThat(TestPg.count(db, "SELECT count(*) FROM header_only")).isZero();
  }

  @Test
  void aBadRowIsNamedByItsLineInTheWholeStream() throws IOException {
    byte[] good = csv(30_000);
    String text = new String(good, StandardCharsets.UTF_8);
    // record 25,000 (in the third piece) gets a bad date; each record is two lines
    String bad = text.replace(String.format("024999,2024-01-%02d,", 1 + 24_999 % 28),
        "024999,2024-13-45,");
    assertThat(bad).isNotEqualTo(text);
    byte[] in = bad.getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> fromStdin(options("bad_rows", "-").header(Header.NO).build(), in,
        new ArrayList<>())).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("standard input:49999: ");

    Path rejects = dir.resolve("rejects.csv");
    ImportReport r = fromStdin(options("bad_rows", "-").header(Header.NO).maxErrors(5)
        .rejects(rejects).build(), in, new ArrayList<>());
    assertThat(r.rowsRejected()).isEqualTo(1);
    assertThat(TestPg.count(db, "SELECT count(*) FROM bad_rows")).isEqualTo(29_999);
    assertThat(Files.readString(rejects)).contains("\"standard input\",49999,")
        .contains("024999,2024-13-45,");
  }

  @Test
  void standardInputIsReadOnceAndOnlyOnThisMachine() {
    assertThatThrownBy(() -> fromStdin(options("twice", "-", "-").build(), new byte[0],
        new ArrayList<>())).isInstanceOf(ImportException.class)
        .hasMessage("standard input (-) is named 2 times among the inputs: it can be read only"
            + " once");
    assertThatThrownBy(() -> fromStdin(options("cluster_in", "-").executor("cluster").build(),
        new byte[0], new ArrayList<>())).isInstanceOf(ImportException.class)
        .hasMessageStartingWith("standard input cannot be loaded with the cluster executor:");
  }

  @Test
  void standardInputIsOneMoreInputBesideFiles() throws IOException {
    Path file = dir.resolve("more.csv");
    Files.write(file, csv(1_000));
    byte[] in = new String(csv(3_000), StandardCharsets.UTF_8).replace("first line",
        "from stdin").getBytes(StandardCharsets.UTF_8);
    ImportReport r = fromStdin(options("mixed", file.toString(), "-").header(Header.NO).build(),
        in, new ArrayList<>());
    assertThat(r.files()).isEqualTo(2);
    assertThat(r.rowsLoaded()).isEqualTo(4_000);
    assertThat(TestPg.count(db, "SELECT count(*) FROM mixed WHERE note LIKE 'from stdin%'"))
        .isEqualTo(3_000);
  }
}

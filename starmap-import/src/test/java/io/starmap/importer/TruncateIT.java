package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code truncate}: the table emptied and its ledger forgotten in one transaction before any
 * COPY, against the real server, and what a {@code kill -9} of a real child JVM leaves: killed
 * inside the truncate's transaction, nothing changed; killed while loading after it, the table
 * holds the pieces the ledger names, so a re-run without truncate loads the rest exactly once
 * and a re-run with truncate starts over.
 */
@Timeout(600)
class TruncateIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static final String COLUMNS = "code text, day int, value numeric(12,2)";
  static PgTarget DB;
  static int tables;

  @BeforeAll
  static void database() {
    DB = PgTarget.of(PG.database());
  }

  @TempDir Path dir;

  /** {@code files} files of {@code rows} rows each, codes starting with {@code prefix}. */
  private Path data(String name, String prefix, int files, int rows) throws IOException {
    Path in = Files.createDirectories(dir.resolve(name));
    for (int f = 0; f < files; f++) {
      try (BufferedWriter w = Files.newBufferedWriter(in.resolve("d" + f + ".csv"))) {
        for (int i = 0; i < rows; i++) {
          w.write(prefix + i + "," + f + "," + (i % 1000) + ".25\n");
        }
      }
    }
    return in;
  }

  private static ImportOptions.Builder into(String table, Path in) {
    return ImportOptions.builder(table).path(in.toString()).create(COLUMNS).header(Header.NO)
        .workers(2).taskSizeMb(1);
  }

  private static long count(String sql) {
    return TestPg.count(DB, sql);
  }

  /** The ledger's rows for a table, all versions of it. */
  private static long ledgerRows(String table, String what) {
    return count("SELECT coalesce(" + what + ", 0) FROM starmap_ledger WHERE table_name LIKE"
        + " 'public." + table + "#%'");
  }

  @Test
  void emptiesTheTableAndForgetsItsLedgerBeforeLoading() throws IOException {
    String t = "trunc" + (++tables);
    Path old = data("old", "old", 3, 100);
    Path fresh = data("new", "new", 2, 100);
    Importer.run(DB, into(t, old).build(), ImportListener.none());
    assertThat(ledgerRows(t, "count(*)")).isEqualTo(3);
    List<String> told = new java.util.ArrayList<>();
    ImportReport r = Importer.run(DB, into(t, fresh).truncate(true).build(),
        Told.into(told));
    assertThat(r.rowsLoaded()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM " + t)).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM " + t + " WHERE code LIKE 'old%'")).isZero();
    assertThat(ledgerRows(t, "count(*)")).isEqualTo(2);
    assertThat(told).contains("truncated public." + t + " and forgot its 3 ledger entries");
    // the old files are no longer in the ledger: they load again, without force
    ImportReport again = Importer.run(DB, into(t, old).build(), ImportListener.none());
    assertThat(again.rowsLoaded()).isEqualTo(300);
    assertThat(count("SELECT count(*) FROM " + t)).isEqualTo(500);
  }

  @Test
  void theSameFilesTruncatedAgainLoadOnceWithSeveralStreamsAndWithForce() throws IOException {
    String t = "trunc" + (++tables);
    Path in = data("same", "s", 1, 120_000); // ~2 MB: cut into pieces for two streams
    for (boolean force : new boolean[] {false, false, true}) {
      ImportReport r = Importer.run(DB, into(t, in).truncate(true).force(force).build(),
          ImportListener.none());
      assertThat(r.rowsLoaded()).isEqualTo(120_000);
      assertThat(r.pieces()).isGreaterThan(1);
      assertThat(count("SELECT count(*) FROM " + t)).isEqualTo(120_000);
      assertThat(count("SELECT count(DISTINCT code) FROM " + t)).isEqualTo(120_000);
      assertThat(ledgerRows(t, "sum(rows_read)")).isEqualTo(120_000);
    }
  }

  @Test
  void killedInsideTheTruncateTransactionChangesNothing() throws Exception {
    String t = "trunc" + (++tables);
    Path old = data("old", "old", 2, 1000);
    Importer.run(DB, into(t, old).build(), ImportListener.none());
    Path fresh = data("new", "new", 2, 1000);
    Process child;
    try (Connection hold = DB.connect()) {
      // a lock on one of the table's ledger rows: the child's TRUNCATE goes through, then its
      // DELETE of the ledger rows waits here, inside its transaction
      hold.setAutoCommit(false);
      try (Statement st = hold.createStatement()) {
        st.executeQuery("SELECT 1 FROM starmap_ledger WHERE table_name LIKE 'public." + t
            + "#%' LIMIT 1 FOR UPDATE").close();
      }
      child = child(t, fresh);
      long pid = waitFor(() -> waitingPid("DELETE FROM starmap_ledger"), child);
      assertThat(pid).as("the child's DELETE waiting on the lock").isPositive();
      child.destroyForcibly(); // SIGKILL, between the TRUNCATE and the COMMIT
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      hold.rollback();
      // the server notices the lost client once the DELETE is done, and rolls back
      waitFor(() -> count("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid) == 0
          ? 1 : 0, null);
    }
    assertThat(count("SELECT count(*) FROM " + t)).isEqualTo(2000);
    assertThat(count("SELECT count(*) FROM " + t + " WHERE code LIKE 'new%'")).isZero();
    assertThat(ledgerRows(t, "count(*)")).isEqualTo(2);
  }

  @Test
  void killedWhileLoadingAfterTheTruncateTheLedgerNamesWhatTheTableHolds() throws Exception {
    String t = "trunc" + (++tables);
    Importer.run(DB, into(t, data("old", "old", 2, 1000)).build(), ImportListener.none());
    int files = 16;
    int rows = 25_000;
    long total = (long) files * rows;
    Path fresh = data("new", "new", files, rows);
    killWhileLoading(t, fresh, total);
    assertThat(count("SELECT count(*) FROM " + t + " WHERE code LIKE 'old%'")).isZero();
    long held = count("SELECT count(*) FROM " + t);
    assertThat(held).isBetween(1L, total - 1);
    assertThat(ledgerRows(t, "sum(rows_read)")).isEqualTo(held);

    // without truncate: the rest, exactly once
    ImportReport resumed = Importer.run(DB, into(t, fresh).build(), ImportListener.none());
    assertThat(resumed.rowsSkipped()).isEqualTo(held);
    assertThat(resumed.rowsLoaded()).isEqualTo(total - held);
    assertThat(count("SELECT count(*) FROM " + t)).isEqualTo(total);
    assertThat(count("SELECT count(DISTINCT (code, day)) FROM " + t)).isEqualTo(total);

    // with truncate: killed again in the middle, then started over
    killWhileLoading(t, fresh, total);
    ImportReport over = Importer.run(DB, into(t, fresh).truncate(true).build(),
        ImportListener.none());
    assertThat(over.rowsSkipped()).isZero();
    assertThat(over.rowsLoaded()).isEqualTo(total);
    assertThat(count("SELECT count(*) FROM " + t)).isEqualTo(total);
    assertThat(count("SELECT count(DISTINCT (code, day)) FROM " + t)).isEqualTo(total);
    assertThat(ledgerRows(t, "sum(rows_read)")).isEqualTo(total);
  }

  @Test
  void aTruncateWaitsForAnImportLoadingTheSameTableAndTheLedgerStaysTrue() throws Exception {
    String t = "trunc" + (++tables);
    int files = 16;
    int rows = 25_000;
    Path x = data("x", "x", files, rows);
    Path y = data("y", "y", 2, 1000);
    Importer.run(DB, into(t, y).build(), ImportListener.none()); // the table exists
    java.util.concurrent.CompletableFuture<ImportReport> loading =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> Importer.run(DB,
            into(t, x).workers(1).build(), ImportListener.none()));
    long seen = waitFor(() -> count("SELECT count(*) FROM " + t + " WHERE code LIKE 'x%'"),
        null);
    assertThat(seen).as("the first import has committed some tasks").isPositive();
    ImportReport truncating = Importer.run(DB, into(t, y).truncate(true).build(),
        ImportListener.none());
    ImportReport first = loading.join();
    assertThat(truncating.rowsLoaded()).isEqualTo(2000);
    assertThat(first.rowsLoaded()).isEqualTo((long) files * rows);
    // the rows the first import committed before the truncate are gone with their ledger rows;
    // those committed after it are in the table and in the ledger
    long held = count("SELECT count(*) FROM " + t);
    assertThat(ledgerRows(t, "sum(rows_read)")).isEqualTo(held);
    assertThat(count("SELECT count(*) FROM " + t + " WHERE code LIKE 'y%'")).isEqualTo(2000);
    assertThat(count("SELECT count(DISTINCT (code, day)) FROM " + t)).isEqualTo(held);
    ImportReport rest = Importer.run(DB, into(t, x).build(), ImportListener.none());
    assertThat(rest.rowsLoaded() + rest.rowsSkipped()).isEqualTo((long) files * rows);
    assertThat(count("SELECT count(*) FROM " + t + " WHERE code LIKE 'x%'"))
        .isEqualTo((long) files * rows);
    assertThat(count("SELECT count(DISTINCT (code, day)) FROM " + t))
        .isEqualTo((long) files * rows + 2000);
  }

  /** Starts a truncating import of {@code in} in a child JVM and kills it once it has loaded. */
  private void killWhileLoading(String t, Path in, long total) throws Exception {
    Process child = child(t, in);
    long seen = waitFor(() -> {
      long n = count("SELECT count(*) FROM " + t + " WHERE code LIKE 'new%'");
      boolean truncated = count("SELECT count(*) FROM " + t + " WHERE code LIKE 'old%'") == 0;
      return truncated && n > 0 && n < total / 2 ? n : 0;
    }, child);
    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(seen).as("killed while loading, not after").isBetween(1L, total - 1);
  }

  /** The pid of a backend waiting on a lock in a statement that starts with {@code sql}. */
  private static long waitingPid(String sql) {
    return count("SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE wait_event_type ="
        + " 'Lock' AND query LIKE '" + sql + "%'");
  }

  /** Polls until {@code value} is positive (then returns it), or the child ends, or 2 min. */
  private static long waitFor(LongSupplier value, Process child) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline && (child == null || child.isAlive())) {
      long v = value.getAsLong();
      if (v > 0) {
        return v;
      }
      Thread.sleep(10);
    }
    return 0;
  }

  private Process child(String table, Path in) throws IOException {
    var url = PG.database().url();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder b = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        TruncatingImportMain.class.getName(), url.jdbcUrl(), url.user(), table, in.toString())
        .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "child-" + table
            + ".log"));
    url.resolvedPassword().ifPresent(pw -> b.environment().put("PGPASSWORD", pw));
    return b.start();
  }
}

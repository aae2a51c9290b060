package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.embedded.EmbeddedServer;
import io.starmap.importer.Header;
import io.starmap.importer.ImportException;
import io.starmap.importer.ImportListener;
import io.starmap.importer.ImportOptions;
import io.starmap.importer.ImportReport;
import io.starmap.importer.Importer;
import io.starmap.importer.db.Database;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.importer.db.Databases;
import io.starmap.importer.gen.PriceGenerator;
import io.starmap.importer.testing.PostgresExtension;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an import reports as loaded survives a crash of the server right after it returns. The
 * import's tasks commit without waiting for their WAL to reach the disk, so the import itself must
 * wait before it reports. Here the server's WAL writer waits 10 s between its rounds, so commits
 * that nothing waited for stay in the server's memory; the server is then killed as a crash would
 * (SIGQUIT to the postmaster: an immediate shutdown, which writes nothing more), restarted, and
 * its table must hold every row the report counted, and its ledger every piece. An import whose
 * commits the server did not confirm (a crash before the confirmation, a cancelled wait for a
 * standby) must fail saying so, and the next run must load exactly what was lost.
 */
@Timeout(600)
class DurableReportIT {
  @TempDir static Path dir;
  static EmbeddedServer server;
  static Database lease;
  static Path data;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedServer.in(dir.resolve("pg"), PostgresExtension.binariesCache(), true);
    lease = PostgresExtension.acquire(server);
    try (Connection c = lease.connect(); Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET wal_writer_delay = '10s'");
      s.execute("SELECT pg_reload_conf()");
    }
    data = dir.resolve("prices");
    PriceGenerator.builder().days(6).securities(3_000).seed(11).build().writeTo(data);
  }

  @AfterAll
  static void stop() {
    if (lease != null) {
      lease.close();
    }
    if (server != null) {
      server.stop(true);
    }
  }

  @Test
  void whatAnImportReportsSurvivesACrashRightAfterIt() throws Exception {
    for (int round = 0; round < 3; round++) {
      String table = "prices_" + round;
      ImportReport report = importThenCrash(lease, table);
      try (Connection c = lease.connect()) {
        assertThat(count(c, "SELECT count(*) FROM " + table))
            .as("rows of round %d after the crash", round).isEqualTo(report.rowsLoaded());
        assertThat(count(c, "SELECT count(*) FROM starmap_ledger WHERE table_name LIKE 'public."
            + table + "#%'")).as("ledger rows of round %d", round).isEqualTo(report.pieces());
      }
    }
  }

  /** The same for a role that is not a superuser, in a database of its own. */
  @Test
  void soForARoleThatIsNotASuperuser() throws Exception {
    String password = Long.toHexString(new SecureRandom().nextLong());
    try (Connection c = lease.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE loader LOGIN PASSWORD '" + password + "'");
      s.execute("CREATE DATABASE restricted OWNER loader");
    }
    Database loader = Databases.at(new DatabaseUrl(lease.url().host(), lease.url().port(),
        "restricted", "loader", password, Map.of()));
    ImportReport report = importThenCrash(loader, "prices");
    try (Connection c = loader.connect()) {
      assertThat(count(c, "SELECT count(*) FROM prices")).as("rows after the crash")
          .isEqualTo(report.rowsLoaded());
      assertThat(count(c, "SELECT count(*) FROM starmap_ledger")).as("ledger rows")
          .isEqualTo(report.pieces());
    }
  }

  /**
   * A crash after the last task and before the server confirmed fails the import as unconfirmed
   * (the tasks' commits may be gone, though each of them succeeded), and the next run loads
   * exactly what the crash lost. The first COPY goes through; every later one sleeps, and while
   * it does, a checkpoint makes the first task's commit durable. The confirmation is then held on
   * the server by a trigger that sleeps on its insert into the ledger, and the server is crashed
   * while it sleeps: the first task's rows survive, the others' are lost unless the WAL writer
   * flushed them meanwhile.
   */
  @Test
  void aCrashBeforeTheConfirmationFailsTheImportAndTheNextRunLoadsWhatItLost() throws Exception {
    // the ledger exists from here on, and the same files make more than one task
    assertThat(importInto(lease, "ledger_made").tasks()).as("tasks").isGreaterThan(1);
    try (Connection c = lease.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE unconfirmed (code text, date date, value numeric(12,2))");
      s.execute("CREATE SEQUENCE copies");
      s.execute("CREATE FUNCTION slow_after_first() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
          + " IF nextval('copies') > 1 THEN PERFORM pg_sleep(2); END IF; RETURN NULL; END $$");
      s.execute("CREATE TRIGGER slow BEFORE INSERT ON unconfirmed FOR EACH STATEMENT"
          + " EXECUTE FUNCTION slow_after_first()");
      s.execute("CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS"
          + " $$ BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$");
      s.execute("CREATE TRIGGER hold BEFORE INSERT ON starmap_ledger FOR EACH ROW"
          + " WHEN (NEW.file_hash LIKE 'durable end %') EXECUTE FUNCTION hold()");
    }
    long survived;
    boolean crashed = false;
    try {
      CompletableFuture<ImportReport> importing = CompletableFuture.supplyAsync(
          () -> importInto(lease, "unconfirmed"));
      try (Connection c = lease.connect(); Statement s = c.createStatement()) {
        awaitSleeping(c, "COPY%", importing);
        awaitCount(c, "SELECT count(*) FROM starmap_ledger WHERE table_name LIKE"
            + " 'public.unconfirmed#%'", importing);
        s.execute("CHECKPOINT"); // flushes the WAL of the first task's commit
        awaitSleeping(c, "INSERT INTO starmap_ledger%", importing);
      }
      crash();
      crashed = true;
      assertThatThrownBy(importing::join).cause()
          .isInstanceOfSatisfying(ImportException.class, e -> {
            assertThat(e.kind()).isEqualTo(ImportException.Kind.COMMITS_UNCONFIRMED);
            assertThat(e.report().rowsLoaded()).isEqualTo(6 * 3_000);
          });
    } finally {
      if (!crashed) {
        crash(); // ends the held import, whose sleeping statements would block the drops
      }
      lease.close();
      lease = PostgresExtension.acquire(server);
      try (Connection c = lease.connect(); Statement s = c.createStatement()) {
        s.execute("DROP TRIGGER hold ON starmap_ledger");
        s.execute("DROP TRIGGER slow ON unconfirmed");
      }
    }
    try (Connection c = lease.connect()) {
      survived = count(c, "SELECT count(*) FROM unconfirmed");
      assertThat(survived).as("rows of the first task, checkpointed").isPositive();
      assertThat(count(c, "SELECT coalesce(sum(rows_read), 0) FROM starmap_ledger"
          + " WHERE table_name LIKE 'public.unconfirmed#%'"))
          .as("rows the ledger names after the crash").isEqualTo(survived);
    }
    ImportReport again = importInto(lease, "unconfirmed");
    assertThat(again.rowsLoaded()).as("rows loaded again").isEqualTo(6 * 3_000 - survived);
    assertThat(again.rowsSkipped()).as("rows skipped").isEqualTo(survived);
    try (Connection c = lease.connect()) {
      assertThat(count(c, "SELECT count(*) FROM unconfirmed")).isEqualTo(6 * 3_000);
      assertThat(count(c, "SELECT count(DISTINCT (code, date)) FROM unconfirmed"))
          .as("distinct rows").isEqualTo(6 * 3_000);
    }
  }

  /**
   * A confirmation whose wait for a synchronous standby is cancelled is no confirmation: the
   * server commits a cancelled wait anyway, with only a warning. Here the server names a
   * synchronous standby that never comes, so a commit that waits for it waits until cancelled.
   * (A {@code statement_timeout} does not cancel it: the server stops the statement's timer
   * before it commits, on PostgreSQL 15 and 18 alike.)
   */
  @Test
  void aCancelledWaitForAStandbyIsNoConfirmation() throws Exception {
    importInto(lease, "standby_ledger"); // the ledger and the table exist: no commit waits there
    try (Connection c = lease.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE standby_wait (code text, date date, value numeric(12,2))");
    }
    standby("'nobody'");
    try {
      CompletableFuture<ImportReport> importing = CompletableFuture.supplyAsync(
          () -> importInto(lease, "standby_wait"));
      String waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'";
      try (Connection c = lease.connect(); Statement s = c.createStatement()) {
        awaitCount(c, waiting, importing);
        s.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity"
            + " WHERE wait_event = 'SyncRep'");
      }
      assertThatThrownBy(importing::join).cause()
          .isInstanceOfSatisfying(ImportException.class, e -> assertThat(e.kind())
              .isEqualTo(ImportException.Kind.COMMITS_UNCONFIRMED))
          .hasMessageContaining("the server warned at the commit");
    } finally {
      standby(null); // releases a commit still waiting
    }
  }

  /**
   * Names the server's synchronous standbys ({@code null}: none, the default), and waits until a
   * new session sees them.
   */
  private static void standby(String names) throws Exception {
    try (Connection c = lease.connect(); Statement s = c.createStatement()) {
      s.execute(names == null ? "ALTER SYSTEM RESET synchronous_standby_names"
          : "ALTER SYSTEM SET synchronous_standby_names = " + names);
      s.execute("SELECT pg_reload_conf()");
    }
    String expected = names == null ? "" : names.replace("'", "");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Connection c = lease.connect(); Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SHOW synchronous_standby_names")) {
        r.next();
        if (r.getString(1).equals(expected)) {
          return;
        }
      }
      assertThat(System.nanoTime()).as("the server's new standbys").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Waits until a backend sleeps in a statement like {@code query}. */
  private static void awaitSleeping(Connection c, String query,
      CompletableFuture<ImportReport> importing) throws Exception {
    awaitCount(c, "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'"
        + " AND query LIKE '" + query + "'", importing);
  }

  /** Waits until {@code sql} counts more than none, while the import runs. */
  private static void awaitCount(Connection c, String sql,
      CompletableFuture<ImportReport> importing) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (count(c, sql) == 0) {
      assertThat(importing.isDone()).as("import ended before: %s", sql).isFalse();
      assertThat(System.nanoTime()).as("waited 60 s for: %s", sql).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /**
   * Imports the data into {@code table} of {@code db}, checks that the server flushed its WAL,
   * crashes the server and starts it again (recovery from the WAL on disk); returns the report.
   */
  private static ImportReport importThenCrash(Database db, String table) throws Exception {
    ImportReport report = importInto(db, table);
    assertThat(report.rowsLoaded()).isEqualTo(6 * 3_000);
    assertFlushed();
    crash();
    lease.close();
    lease = PostgresExtension.acquire(server);
    return report;
  }

  private static ImportReport importInto(Database db, String table) {
    return Importer.run(db, ImportOptions.builder(table).path(data.toString())
        .create("code text, date date, value numeric(12,2)").header(Header.NO).workers(2)
        .build(), ImportListener.none());
  }

  /**
   * The server has flushed all the WAL it wrote (but for the header of a page just begun): the
   * crash below kills its processes, and WAL written but not flushed would survive that in the
   * operating system's cache, so the rows alone would not show that the import waited for the
   * flush.
   */
  private static void assertFlushed() throws SQLException {
    try (Connection c = lease.connect()) {
      assertThat(count(c, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(),"
          + " pg_current_wal_flush_lsn())")).as("WAL bytes written but not flushed")
          .isLessThanOrEqualTo(40);
    }
  }

  private static void crash() throws Exception {
    ServerCrash.immediate(dir.resolve("pg"));
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}

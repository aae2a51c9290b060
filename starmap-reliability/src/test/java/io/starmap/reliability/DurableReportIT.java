package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.starmap.embedded.EmbeddedServer;
import io.starmap.importer.Header;
import io.starmap.importer.ImportListener;
import io.starmap.importer.ImportOptions;
import io.starmap.importer.ImportReport;
import io.starmap.importer.Importer;
import io.starmap.importer.db.Database;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.importer.db.Databases;
import io.starmap.importer.gen.PriceGenerator;
import io.starmap.importer.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
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
 * its table must hold every row the report counted, and its ledger every piece.
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
      ImportReport report = Importer.run(lease, ImportOptions.builder(table)
          .path(data.toString()).create("code text, date date, value numeric(12,2)")
          .header(Header.NO).workers(2).build(), ImportListener.none());
      assertThat(report.rowsLoaded()).isEqualTo(6 * 3_000);
      crash();
      lease.close();
      lease = PostgresExtension.acquire(server); // recovery from the WAL on disk
      try (Connection c = lease.connect()) {
        assertThat(count(c, "SELECT count(*) FROM " + table))
            .as("rows of round %d after the crash", round).isEqualTo(report.rowsLoaded());
        assertThat(count(c, "SELECT count(*) FROM starmap_ledger WHERE table_name LIKE 'public."
            + table + "#%'")).as("ledger rows of round %d", round).isEqualTo(report.pieces());
      }
    }
  }

  /**
   * The same for a role that may not emit a logical decoding message (EXECUTE revoked from
   * PUBLIC in its database): the import waits for the WAL writer's flush instead.
   */
  @Test
  void soForARoleThatMayNotEmitAWalMessage() throws Exception {
    String password = Long.toHexString(new SecureRandom().nextLong());
    try (Connection c = lease.connect(); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE loader LOGIN PASSWORD '" + password + "'");
      s.execute("CREATE DATABASE restricted OWNER loader");
    }
    Database admin = Databases.at(new DatabaseUrl(
        lease.url().host(), lease.url().port(), "restricted", lease.url().user(), null,
        lease.url().params()));
    try (Connection c = admin.connect(); Statement s = c.createStatement()) {
      // its signature differs between versions (PostgreSQL 17 added a fourth argument)
      s.execute("""
          DO $$ DECLARE f regprocedure; BEGIN
            FOR f IN SELECT oid FROM pg_proc WHERE proname = 'pg_logical_emit_message' LOOP
              EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
            END LOOP; END $$""");
    }
    Database loader = Databases.at(new DatabaseUrl(
        lease.url().host(), lease.url().port(), "restricted", "loader", password,
        Map.of()));
    try (Connection c = loader.connect(); Statement s = c.createStatement()) {
      assertThat(catchThrowable(() -> s.execute(
          "SELECT pg_logical_emit_message(true, 'x', '')"))).as("the function is refused")
          .hasMessageContaining("permission denied");
    }
    ImportReport report = Importer.run(loader, ImportOptions.builder("prices")
        .path(data.toString()).create("code text, date date, value numeric(12,2)")
        .header(Header.NO).workers(2).build(), ImportListener.none());
    assertThat(report.rowsLoaded()).isEqualTo(6 * 3_000);
    crash();
    lease.close();
    lease = PostgresExtension.acquire(server);
    try (Connection c = loader.connect()) {
      assertThat(count(c, "SELECT count(*) FROM prices")).as("rows after the crash")
          .isEqualTo(report.rowsLoaded());
      assertThat(count(c, "SELECT count(*) FROM starmap_ledger")).as("ledger rows")
          .isEqualTo(report.pieces());
    }
  }

  /** Kills the server as a crash would: an immediate shutdown writes neither WAL nor data. */
  private static void crash() throws Exception {
    Path pidFile = dir.resolve("pg").resolve("data").resolve("postmaster.pid");
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
    ProcessHandle postmaster = ProcessHandle.of(pid).orElse(null);
    if (postmaster != null) {
      postmaster.onExit().get(60, TimeUnit.SECONDS);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}

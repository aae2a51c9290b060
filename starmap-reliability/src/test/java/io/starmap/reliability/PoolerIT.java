package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.starmap.embedded.EmbeddedServer;
import io.starmap.importer.Header;
import io.starmap.importer.ImportException;
import io.starmap.importer.ImportListener;
import io.starmap.importer.ImportOptions;
import io.starmap.importer.ImportProgress;
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
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import through a real PgBouncer in transaction mode, whose server connections serve each
 * client transaction to whichever client sends one. The import must leave {@code
 * synchronous_commit} in them as it found it (its tasks commit without waiting for the flush: a
 * session's setting would make the pooler's other clients commit so too), and its confirmation
 * must not take a server connection that the pooler opened after a crash of the server for the
 * one that saw the commits: the import then fails as unconfirmed, and the next run loads what the
 * crash lost. The pooler has one server connection, so that without a crash every transaction
 * reaches the same server session (with more, the confirmation may reach another one,
 * and fail as unconfirmed without a crash).
 */
@Timeout(300)
class PoolerIT {
  static final int ROWS = 6 * 3_000;
  @TempDir static Path dir;
  static EmbeddedServer server;
  static Database lease;
  static PgBouncer bouncer;
  static Database pooled;
  /** The same database, not through the pooler. */
  static Database direct;
  static Path data;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PgBouncer.installed(), "PgBouncer is not installed (Debian: pgbouncer)");
    server = EmbeddedServer.in(dir.resolve("pg"), PostgresExtension.binariesCache(), true);
    lease = PostgresExtension.acquire(server);
    String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    try (Connection c = lease.connect(); Statement s = c.createStatement()) {
      // commits that nothing waited for stay in the server's memory, where a crash loses them
      s.execute("ALTER SYSTEM SET wal_writer_delay = '10s'");
      s.execute("SELECT pg_reload_conf()");
      s.execute("CREATE ROLE loader LOGIN PASSWORD '" + password + "'");
      s.execute("CREATE DATABASE pooled OWNER loader");
    }
    bouncer = PgBouncer.start(dir.resolve("pgbouncer"), lease.url().port(), "pooled", "loader",
        password, 1);
    // pgjdbc names a statement run five times, which the server connections of a pooler in
    // transaction mode do not share (PgBouncer 1.18): the pooler's users set this
    pooled = Databases.at(new DatabaseUrl("127.0.0.1", bouncer.port(), "pooled", "loader",
        password, Map.of("prepareThreshold", "0")));
    direct = Databases.at(new DatabaseUrl("127.0.0.1", lease.url().port(), "pooled", "loader",
        password, Map.of()));
    data = dir.resolve("prices");
    PriceGenerator.builder().days(6).securities(3_000).seed(5).build().writeTo(data);
  }

  @AfterAll
  static void stop() {
    if (bouncer != null) {
      bouncer.close();
    }
    if (lease != null) {
      lease.close();
    }
    if (server != null) {
      server.stop(true);
    }
  }

  @Test
  void anImportLeavesTheTasksSynchronousCommitToNoneOfThePoolersOtherClients() throws Exception {
    ImportReport report = importInto("no_leak", ImportListener.none());
    assertThat(report.rowsLoaded()).isEqualTo(ROWS);
    try (Connection c = pooled.connect()) {
      assertThat(show(c, "synchronous_commit")).as("another client's synchronous_commit, on the"
          + " server connection the import used; pooler log:%n%s", bouncer.log()).isEqualTo("on");
    }
  }

  @Test
  void aCrashHiddenByThePoolerIsNoConfirmationAndTheNextRunLoadsWhatItLost() throws Exception {
    importInto("ledger_made", ImportListener.none()); // the ledger exists: no commit waits there
    CrashAfterTheLastTask crasher = new CrashAfterTheLastTask();
    Throwable thrown = catchThrowable(() -> importInto("hidden_crash", crasher));
    assertThat(crasher.crashed).as("the crash after the last task (%s)", crasher.failure)
        .isTrue();
    assertThat(thrown).isInstanceOfSatisfying(ImportException.class, e -> {
      assertThat(e.kind()).isEqualTo(ImportException.Kind.COMMITS_UNCONFIRMED);
      assertThat(e.report().rowsLoaded()).as("rows committed").isEqualTo(ROWS);
    }).hasMessageContaining("did not find the mark of the server session");
    long survived;
    try (Connection c = direct.connect()) {
      survived = count(c, "SELECT count(*) FROM hidden_crash");
    }
    // the WAL writer waits 10 s between its rounds: the crash took commits with it
    assertThat(survived).as("rows left after the crash").isLessThan(ROWS);
    ImportReport again = importInto("hidden_crash", ImportListener.none());
    assertThat(again.rowsLoaded() + again.rowsSkipped()).isEqualTo(ROWS);
    assertThat(again.rowsSkipped()).as("rows skipped").isEqualTo(survived);
    try (Connection c = direct.connect()) {
      assertThat(count(c, "SELECT count(DISTINCT (code, date)) FROM hidden_crash"))
          .as("distinct rows").isEqualTo(ROWS);
      assertThat(count(c, "SELECT count(*) FROM hidden_crash")).as("rows").isEqualTo(ROWS);
    }
  }

  /**
   * Crashes the server when the last task's outcome comes in, and starts it again: the import
   * confirms after that, through the pooler, which opens a new server connection for it.
   */
  static final class CrashAfterTheLastTask implements ImportListener {
    volatile boolean crashed;
    volatile Exception failure;

    @Override
    public void onProgress(ImportProgress p) {
      if (crashed || p.tasksDone() < p.tasksTotal()) {
        return;
      }
      try {
        ServerCrash.immediate(dir.resolve("pg"));
        crashed = true;
        lease.close();
        lease = PostgresExtension.acquire(server);
      } catch (Exception e) {
        failure = e; // the import swallows a listener's failure
      }
    }
  }

  private static ImportReport importInto(String table, ImportListener listener) {
    return Importer.run(pooled, ImportOptions.builder(table).path(data.toString())
        .create("code text, date date, value numeric(12,2)").header(Header.NO).workers(2)
        .build(), listener);
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW " + setting)) {
      r.next();
      return r.getString(1);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}

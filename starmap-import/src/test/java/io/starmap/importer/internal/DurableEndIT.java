package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.importer.Header;
import io.starmap.importer.ImportException;
import io.starmap.importer.ImportListener;
import io.starmap.importer.ImportOptions;
import io.starmap.importer.ImportReport;
import io.starmap.importer.Importer;
import io.starmap.importer.PgTarget;
import io.starmap.importer.testing.PostgresExtension;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The confirmation of an import's commits against the real server: the connection that confirms
 * them outlives the server's idle timeout and is used while it waits, notices at the commit are
 * no reason to fail, and a trigger that swallows the confirming insert fails the import instead
 * of confirming nothing (a whole import that outlives the idle timeout: {@code IdleSessionsIT}).
 * Every session of this class's database is closed by the server after {@value #IDLE_TIMEOUT}
 * idle, as a role's or a database's setting does to a user's imports.
 */
@Timeout(300)
class DurableEndIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static final String IDLE_TIMEOUT = "1s";
  static final int ROWS = 500;

  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void setUp() throws IOException, SQLException {
    try (Connection c = PG.connect(); Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE " + c.getCatalog() + " SET idle_session_timeout = '"
          + IDLE_TIMEOUT + "'");
      Ledger.ensure(c);
      s.execute("CREATE FUNCTION swallow() RETURNS trigger LANGUAGE plpgsql AS"
          + " $$ BEGIN RETURN NULL; END $$");
    }
    data = Files.createDirectories(dir.resolve("data"));
    for (int f = 0; f < 2; f++) {
      try (BufferedWriter w = Files.newBufferedWriter(data.resolve("d" + f + ".csv"))) {
        for (int i = 0; i < ROWS / 2; i++) {
          w.write("c" + i + "," + f + "\n");
        }
      }
    }
  }

  @Test
  void theWitnessIsUsedWhileItWaits() throws Exception {
    try (Connection watch = PG.connect(); Connection witnessed = PG.connect()) {
      int pid = backendPid(witnessed);
      ConnectionPool.untimed(witnessed);
      try (Witness w = Witness.keep(witnessed, Duration.ofMillis(100))) {
        String first = stateChange(watch, pid);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String now = first;
        while (now.equals(first) && System.nanoTime() < deadline) {
          Thread.sleep(50);
          now = stateChange(watch, pid);
        }
        assertThat(now).as("the witness's last activity on the server").isNotEqualTo(first);
      }
    }
  }

  @Test
  void theWitnessOutlivesTheServersIdleTimeout() throws Exception {
    Connection c = PG.connect();
    ConnectionPool.untimed(c);
    try (Witness w = Witness.keep(c)) {
      Thread.sleep(2_500); // more than the idle timeout, less than a keep-alive's period
      SQLException why = w.confirm("public.witness#1", true, null);
      assertThat(why == null ? null : why.toString()).as("why it did not confirm").isNull();
    }
  }

  /** Notices below a warning at the commit (here the server's debugging output) are no reason. */
  @Test
  void aServerThatSendsNoticesAtTheCommitStillConfirms() throws Exception {
    Connection c = PG.connect();
    try (Statement s = c.createStatement()) {
      s.execute("SET client_min_messages = debug5");
    }
    try (Witness w = Witness.keep(c)) {
      SQLException why = w.confirm("public.witness#2", true, null);
      assertThat(why == null ? null : why.toString()).as("why it did not confirm").isNull();
    }
  }

  @Test
  void aTriggerThatSwallowsTheConfirmationFailsTheImport() {
    String table = PG.freshTable("code text, day int");
    PostgresExtension.exec(PG.database(), "CREATE TRIGGER swallow BEFORE INSERT ON "
        + Ledger.TABLE + " FOR EACH ROW WHEN (NEW.file_hash LIKE 'durable end %')"
        + " EXECUTE FUNCTION swallow()");
    try {
      assertThatThrownBy(() -> Importer.run(PgTarget.of(PG.database()), options(table),
          ImportListener.none()))
          .isInstanceOfSatisfying(ImportException.class, e -> {
            assertThat(e.kind()).isEqualTo(ImportException.Kind.COMMITS_UNCONFIRMED);
            assertThat(e.report().rowsLoaded()).isEqualTo(ROWS);
          })
          .hasMessageContaining("wrote nothing (a trigger or a rule on it?)");
    } finally {
      PostgresExtension.exec(PG.database(), "DROP TRIGGER swallow ON " + Ledger.TABLE);
    }
    assertThat(count("SELECT count(*) FROM " + table)).as("the rows, committed").isEqualTo(ROWS);
  }

  /** A server session whose mark was reset (or another one, without it) does not confirm. */
  @Test
  void aSessionWithoutTheMarkDoesNotConfirm() throws Exception {
    Connection c = PG.connect();
    try (Witness w = Witness.keep(c)) {
      try (Statement s = c.createStatement()) {
        s.execute("RESET " + Witness.MARK);
      }
      assertThat((Throwable) w.confirm("public.witness#3", true, null))
          .isInstanceOf(Witness.OtherSession.class);
    }
  }

  /**
   * The tasks commit without waiting for the flush (the confirmation waits once for them all),
   * with the setting made for their own transactions: a deferred trigger on the ledger sees each
   * task's setting at its commit. The database's own setting is on (the tests' server has it off).
   */
  @Test
  void theTasksCommitWithoutWaitingForTheFlush() throws SQLException {
    String table = PG.freshTable("code text, day int");
    String database;
    try (Connection c = PG.connect()) {
      database = c.getCatalog();
    }
    PostgresExtension.exec(PG.database(), "ALTER DATABASE " + database
        + " SET synchronous_commit = on");
    PostgresExtension.exec(PG.database(), "CREATE TABLE commits_seen (setting text)");
    PostgresExtension.exec(PG.database(), "CREATE FUNCTION seen() RETURNS trigger"
        + " LANGUAGE plpgsql AS $$ BEGIN INSERT INTO commits_seen"
        + " VALUES (current_setting('synchronous_commit')); RETURN NULL; END $$");
    PostgresExtension.exec(PG.database(), "CREATE CONSTRAINT TRIGGER seen AFTER INSERT ON "
        + Ledger.TABLE + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION seen()");
    try {
      ImportReport report = Importer.run(PgTarget.of(PG.database()), options(table),
          ImportListener.none());
      assertThat(report.pieces()).isEqualTo(2);
    } finally {
      PostgresExtension.exec(PG.database(), "DROP TRIGGER seen ON " + Ledger.TABLE);
      PostgresExtension.exec(PG.database(), "ALTER DATABASE " + database
          + " RESET synchronous_commit");
    }
    assertThat(count("SELECT count(*) FROM commits_seen WHERE setting = 'off'"))
        .as("ledger rows committed with synchronous_commit off").isEqualTo(2);
    assertThat(count("SELECT count(*) FROM commits_seen")).as("ledger rows seen").isEqualTo(2);
  }

  /**
   * An import that fails for a bad row after a task committed, and whose confirmation fails too,
   * throws the bad row's failure with the unconfirmed commits among its suppressed exceptions:
   * the rows its report counts are not confirmed either. One worker loads the file in tasks of
   * 1 MB, in order, and stops at the bad row on its last line.
   */
  @Test
  void aFailedImportWhoseCommitsAreNotConfirmedSaysSoToo() throws IOException {
    Path mixed = Files.createDirectories(dir.resolve("mixed"));
    try (BufferedWriter w = Files.newBufferedWriter(mixed.resolve("mixed.csv"))) {
      for (int i = 0; i < 200_000; i++) { // 2.5 MB
        w.write("g" + i + "," + i + "\n");
      }
      w.write("bad,not a number\n");
    }
    String table = PG.freshTable("code text, day int");
    PostgresExtension.exec(PG.database(), "CREATE TRIGGER swallow BEFORE INSERT ON "
        + Ledger.TABLE + " FOR EACH ROW WHEN (NEW.file_hash LIKE 'durable end %')"
        + " EXECUTE FUNCTION swallow()");
    try {
      assertThatThrownBy(() -> Importer.run(PgTarget.of(PG.database()), ImportOptions
          .builder(table).path(mixed.toString()).header(Header.NO).workers(1).maxErrors(0)
          .taskSizeMb(1).build(), ImportListener.none()))
          .isInstanceOfSatisfying(ImportException.class, e -> {
            assertThat(e.kind()).isEqualTo(ImportException.Kind.BAD_ROW);
            assertThat(e.report().rowsLoaded()).as("rows committed").isPositive()
                .isEqualTo(count("SELECT count(*) FROM " + table));
            assertThat(e.getSuppressed()).singleElement()
                .isInstanceOfSatisfying(ImportException.class, u -> {
                  assertThat(u.kind()).isEqualTo(ImportException.Kind.COMMITS_UNCONFIRMED);
                  assertThat(u).hasMessageContaining("wrote nothing (a trigger or a rule on it?)");
                });
          })
          .hasMessageContaining("mixed.csv:200001");
    } finally {
      PostgresExtension.exec(PG.database(), "DROP TRIGGER swallow ON " + Ledger.TABLE);
    }
  }

  private static ImportOptions options(String table) {
    return ImportOptions.builder(table).path(data.toString()).header(Header.NO).workers(2)
        .build();
  }

  private static int backendPid(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
      r.next();
      return r.getInt(1);
    }
  }

  /** The last change of the backend's state, as the server's text (to the microsecond). */
  private static String stateChange(Connection c, int pid) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT state_change::text FROM pg_stat_activity WHERE pid = " + pid)) {
      assertThat(r.next()).as("backend %d alive", pid).isTrue();
      return r.getString(1);
    }
  }

  private static long count(String sql) {
    try (Connection c = PG.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}

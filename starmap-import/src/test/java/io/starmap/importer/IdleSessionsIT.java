package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports into a database whose idle sessions the server closes after {@value #IDLE_TIMEOUT}, as
 * a role's or a database's {@code idle_session_timeout} does: the connections an import keeps
 * idle while it works (the one that confirms its commits at the end, the one that asks the ledger
 * about each piece of standard input, the workers' between two pieces) outlive it.
 */
@Timeout(300)
class IdleSessionsIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static final String IDLE_TIMEOUT = "1s";
  static final String COLUMNS = "code text, day int";
  static PgTarget db;

  @TempDir Path dir;

  @BeforeAll
  static void setUp() throws SQLException {
    try (Connection c = PG.connect(); Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE " + c.getCatalog() + " SET idle_session_timeout = '"
          + IDLE_TIMEOUT + "'");
      s.execute("CREATE FUNCTION slow_copy() RETURNS trigger LANGUAGE plpgsql AS"
          + " $$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$");
    }
    db = PgTarget.of(PG.database());
  }

  /** {@code rows} rows of CSV, about 22 bytes each. */
  private static byte[] csv(int rows) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      sb.append("code-").append(i).append("-").append("x".repeat(i % 13)).append(',')
          .append(i % 365).append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void anImportWhoseLoadOutlastsTheIdleTimeoutIsConfirmed() throws IOException {
    String table = PG.freshTable(COLUMNS);
    // every COPY takes 2 s, while the connection that confirms at the end waits idle
    PostgresExtension.exec(PG.database(), "CREATE TRIGGER slow BEFORE INSERT ON " + table
        + " FOR EACH STATEMENT EXECUTE FUNCTION slow_copy()");
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.write(data.resolve("a.csv"), csv(300));
    Files.write(data.resolve("b.csv"), csv(200));
    ImportReport report = Importer.run(db, ImportOptions.builder(table).path(data.toString())
        .header(Header.NO).workers(2).build(), ImportListener.none());
    assertThat(report.rowsLoaded()).isEqualTo(500);
    assertThat(TestPg.count(db, "SELECT count(*) FROM " + table)).isEqualTo(500);
  }

  @Test
  void aRerunOfStandardInputThatPausesLongerThanTheIdleTimeoutSkipsEveryPiece() {
    String table = PG.freshTable(COLUMNS);
    byte[] in = csv(100_000); // about 2.2 MB: three pieces of up to 1 MB
    ImportOptions o = ImportOptions.builder(table).path("-").header(Header.NO).workers(2)
        .taskSizeMb(1).build();
    ImportReport first = new ImportRun(db, o, ImportListener.none(),
        new ByteArrayInputStream(in)).run();
    assertThat(first.rowsLoaded()).isEqualTo(100_000);
    assertThat(first.pieces()).as("pieces").isGreaterThan(1);
    // the rerun asks the ledger about each piece as it is cut: the input stops for longer than
    // the idle timeout after the first piece
    ImportReport again = new ImportRun(db, o, ImportListener.none(),
        new PausingInput(in, 1_200_000, 2_500)).run();
    assertThat(again.rowsLoaded()).isZero();
    assertThat(again.rowsSkipped()).isEqualTo(100_000);
    assertThat(TestPg.count(db, "SELECT count(*) FROM " + table)).isEqualTo(100_000);
  }

  @Test
  void standardInputThatPausesLongerThanTheIdleTimeoutLoadsEveryRow() {
    String table = PG.freshTable(COLUMNS);
    // the connection that loaded the first piece waits idle in the pool for the next piece
    ImportReport r = new ImportRun(db, ImportOptions.builder(table).path("-").header(Header.NO)
        .workers(2).taskSizeMb(1).build(), ImportListener.none(),
        new PausingInput(csv(100_000), 1_200_000, 2_500)).run();
    assertThat(r.rowsLoaded()).isEqualTo(100_000);
    assertThat(r.pieces()).as("pieces").isGreaterThan(1);
    assertThat(TestPg.count(db, "SELECT count(*) FROM " + table)).isEqualTo(100_000);
  }

  /** {@code bytes}, with one pause of {@code pauseMs} once {@code after} of them were read. */
  private static final class PausingInput extends FilterInputStream {
    private final long after;
    private final long pauseMs;
    private long read;
    private boolean paused;

    PausingInput(byte[] bytes, long after, long pauseMs) {
      super(new ByteArrayInputStream(bytes));
      this.after = after;
      this.pauseMs = pauseMs;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (!paused && read >= after) {
        paused = true;
        try {
          Thread.sleep(pauseMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while pausing");
        }
      }
      int n = super.read(b, off, paused ? len : (int) Math.min(len, after - read));
      read += Math.max(n, 0);
      return n;
    }
  }
}

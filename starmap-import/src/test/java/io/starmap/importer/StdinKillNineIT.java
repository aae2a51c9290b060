package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once for standard input under {@code kill -9} and SIGTERM: an import in a child JVM
 * reads a pipe, is killed mid-run, then the same bytes are imported again; the table holds every
 * row once.
 */
@Timeout(600)
class StdinKillNineIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path dir;

  /**
   * Killed with {@code kill -9}, the import leaves its pieces for the next one to delete; ended
   * by SIGTERM (or Ctrl-C's SIGINT), it deletes them as it exits.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aKilledImportOfStandardInputResumesWithoutDuplicatesOrGaps(boolean kill9)
      throws Exception {
    PgTarget db = PgTarget.of(PG.database());
    String table = kill9 ? "prices_killed" : "prices_ended";
    int total = 400_000;
    StringBuilder sb = new StringBuilder();
    long cents = 0;
    for (int i = 0; i < total; i++) {
      long v = (i * 7919L) % 100_000;
      cents += v;
      sb.append(String.format("%07d,2024-01-%02d,%d.%02d%n", i, 1 + i % 28, v / 100, v % 100));
    }
    byte[] data = sb.toString().getBytes(StandardCharsets.UTF_8); // about 10 MB, 1 MB pieces
    Process p = child(PG.database().url(), table);
    Thread feeder = new Thread(() -> {
      try (OutputStream pipe = p.getOutputStream()) {
        pipe.write(data);
      } catch (IOException e) {
        // the child was killed while it read
      }
    });
    feeder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    long seen = 0;
    while (p.isAlive() && System.nanoTime() < deadline && seen < total / 3) {
      seen = count(db, table);
      Thread.sleep(10);
    }
    if (kill9) {
      p.destroyForcibly(); // SIGKILL
    } else {
      p.destroy(); // SIGTERM
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    feeder.join();
    long killedAt = count(db, table);
    assertThat(killedAt).isPositive().isLessThan(total);
    try (var left = Files.list(dir)) {
      // kill -9: the killed import's pieces, which the next import deletes
      assertThat(left.filter(f -> f.getFileName().toString().startsWith("starmap-stdin-")))
          .hasSize(kill9 ? 1 : 0);
    }

    ImportOptions o = ImportOptions.builder(table).path("-").header(Header.NO).taskSizeMb(1)
        .workers(2).build();
    String tmp = System.getProperty("java.io.tmpdir");
    ImportReport r;
    System.setProperty("java.io.tmpdir", dir.toString());
    try {
      r = new ImportRun(db, o, ImportListener.none(), new ByteArrayInputStream(data)).run();
    } finally {
      System.setProperty("java.io.tmpdir", tmp);
    }
    try (var left = Files.list(dir)) {
      assertThat(left.filter(f -> f.getFileName().toString().startsWith("starmap-stdin-")))
          .isEmpty();
    }
    assertThat(r.rowsSkipped()).isEqualTo(killedAt);
    assertThat(r.rowsLoaded()).isEqualTo(total - killedAt);
    assertThat(TestPg.count(db, "SELECT count(*) FROM " + table)).isEqualTo(total);
    assertThat(TestPg.count(db, "SELECT count(DISTINCT code) FROM " + table)).isEqualTo(total);
    assertThat(TestPg.count(db, "SELECT sum(value * 100)::bigint FROM " + table)).isEqualTo(cents);
  }

  private static long count(PgTarget db, String table) {
    try {
      return TestPg.count(db, "SELECT count(*) FROM " + table);
    } catch (IllegalStateException e) {
      return 0; // table not created yet
    }
  }

  private Process child(io.starmap.importer.db.DatabaseUrl url, String table)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // its own temporary directory: the pieces a kill -9 leaves behind go with the test's
    List<String> cmd = List.of(java, "-Djava.io.tmpdir=" + dir, "-cp",
        System.getProperty("java.class.path"),
        ImportMain.class.getName(), url.jdbcUrl(), url.user(), table, "1", "2", "-");
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(new File(dir.toFile(), "child.log"));
    url.resolvedPassword().ifPresent(pw -> b.environment().put("PGPASSWORD", pw));
    return b.start();
  }
}

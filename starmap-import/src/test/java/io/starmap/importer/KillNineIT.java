package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once under {@code kill -9}: an import in a child JVM is killed mid-run (twice, at
 * different moments), then the same import runs again; the table must hold every input row once.
 */
@Timeout(600)
class KillNineIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path dir;

  @Test
  void killedImportsResumeWithoutDuplicatesOrGaps() throws Exception {
    PgTarget db = PgTarget.of(PG.database());
    Path in = Files.createDirectory(dir.resolve("in"));
    int files = 24;
    int rows = 25_000;
    long cents = 0;
    for (int f = 0; f < files; f++) {
      try (BufferedWriter w = Files.newBufferedWriter(in.resolve("d" + f + ".csv"))) {
        for (int i = 0; i < rows; i++) {
          long v = (i * 7919L + f * 104729L) % 100_000;
          cents += v;
          w.write(String.format("%06d,2024-%02d-%02d,%d.%02d%n", i, 1 + f / 28, 1 + f % 28,
              v / 100, v % 100));
        }
      }
    }
    // one big file too, split into byte ranges
    try (BufferedWriter w = Files.newBufferedWriter(in.resolve("big.csv"))) {
      for (int i = 0; i < 150_000; i++) {
        cents += i % 1000;
        w.write(String.format("%06d,2025-01-01,%d.%02d%n", i, (i % 1000) / 100, (i % 1000) % 100));
      }
    }
    long total = files * (long) rows + 150_000;
    var url = PG.database().url();
    long[] killedAt = new long[2];
    for (int attempt = 0; attempt < 2; attempt++) {
      Process p = child(url.jdbcUrl(), url.user(), url.resolvedPassword().orElse(null));
      long target = total * (attempt + 1) / 4;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      long seen = 0;
      while (p.isAlive() && System.nanoTime() < deadline) {
        seen = count(db);
        if (seen >= target) {
          break;
        }
        Thread.sleep(20);
      }
      p.destroyForcibly(); // SIGKILL
      p.waitFor(30, TimeUnit.SECONDS);
      killedAt[attempt] = seen;
    }
    assertThat(count(db)).isLessThan(total);
    ImportReport r = Importer.run(db, ImportOptions.builder("prices").path(in.toString())
        .header(Header.NO).taskSizeMb(2).workers(2).build(), ImportListener.none());
    assertThat(r.rowsLoaded() + r.rowsSkipped()).isEqualTo(total);
    assertThat(r.accountingBalances()).isTrue();
    assertThat(TestPg.count(db, "SELECT count(*) FROM prices")).isEqualTo(total);
    assertThat(TestPg.count(db, "SELECT count(DISTINCT (code, date)) FROM prices"))
        .isEqualTo(total);
    assertThat(TestPg.count(db, "SELECT sum(value * 100)::bigint FROM prices")).isEqualTo(cents);
    assertThat(killedAt[0]).isLessThan(total);
  }

  private static long count(PgTarget db) {
    try {
      return TestPg.count(db, "SELECT count(*) FROM prices");
    } catch (IllegalStateException e) {
      return 0; // table not created yet
    }
  }

  private Process child(String jdbcUrl, String user, String password) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        ImportMain.class.getName(), jdbcUrl, user, "prices", "1", "2", dir.resolve("in").toString()));
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(new File(dir.toFile(), "child.log"));
    if (password != null) {
      b.environment().put("PGPASSWORD", password);
    }
    return b.start();
  }
}

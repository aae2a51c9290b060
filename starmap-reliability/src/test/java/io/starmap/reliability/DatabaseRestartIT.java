package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.embedded.EmbeddedServer;
import io.starmap.importer.db.Database;
import io.starmap.importer.gen.PriceGenerator;
import io.starmap.importer.testing.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database restarted in the middle of an import (an embedded server of this test's own,
 * stopped with its connections and started again on the same port): the import either completes
 * or fails with one clear line; a plain re-run then completes, and the table equals the input
 * exactly. CI: 2 restarts on 40 days x 2,000 securities; full: 6 on 100 days x 10,000.
 */
@Timeout(1200)
class DatabaseRestartIT {
  static final int DAYS = Sizes.pick(40, 100);
  static final int SECURITIES = Sizes.pick(2_000, 10_000);
  static final int RESTARTS = Sizes.pick(2, 6);

  @TempDir static Path dir;
  static EmbeddedServer server;
  static Database lease;
  static Path data;
  static Checksums expected;

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedServer.in(dir.resolve("pg"), PostgresExtension.binariesCache(), false);
    lease = PostgresExtension.acquire(server);
    data = dir.resolve("prices");
    PriceGenerator.builder().days(DAYS).securities(SECURITIES).seed(7).build().writeTo(data);
    expected = Checksums.ofFiles(data);
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
  void anImportSurvivesTheDatabaseRestartingUnderIt() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Random random = new Random();
    int failedClearly = 0;
    int completedAnyway = 0;
    for (int round = 0; round < RESTARTS; round++) {
      String table = "prices_" + round;
      Path log = Files.createTempFile(dir, "import-", ".log");
      Process p = Child.cli(home, log, List.of(), args(table)).start();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (p.isAlive() && System.nanoTime() < deadline
          && !Files.readString(log, StandardCharsets.ISO_8859_1).contains("plan:")) {
        Thread.sleep(10);
      }
      Thread.sleep(random.nextInt(400));
      server.stop(true); // closes every connection, mid-COPY
      Thread.sleep(500 + random.nextInt(1500));
      lease.close();
      lease = PostgresExtension.acquire(server); // the same port again
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the import ends").isTrue();
      String out = Files.readString(log, StandardCharsets.ISO_8859_1);
      if (p.exitValue() == 0) {
        completedAnyway++;
      } else {
        failedClearly++;
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        String last = out.lines().filter(l -> l.startsWith("starmap: ")).reduce((a, b) -> b)
            .orElse("");
        assertThat(last).as(out).contains("calculation");
        assertThat(out).as("output").doesNotContain("\tat ");
        System.out.println("DatabaseRestartIT round " + round + ": " + last);
      }
      Child.Result rerun = Child.run(home, Duration.ofMinutes(10), List.of(),
          args(table).toArray(String[]::new));
      assertThat(rerun.exit()).as(rerun.output()).isZero();
      try (Connection c = lease.connect()) {
        assertThat(Checksums.ofTable(c, table)).isEqualTo(expected);
        assertThat(Checksums.duplicates(c, table)).isZero();
      }
    }
    System.out.printf("DatabaseRestartIT: %d restarts mid-import (%d failed clearly, %d"
        + " completed), re-runs complete, %d rows checked each%n", RESTARTS, failedClearly,
        completedAnyway, expected.rows());
  }

  private static List<String> args(String table) {
    return List.of("import", data.toString(), "--table", table, "--create",
        "code text, date date, value numeric(12,2)", "--header", "no", "--db",
        lease.url().psqlUrl(), "--workers", "2", "--task-size", "1");
  }
}

package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two imports in one JVM at once share nothing: each has its own stop flag, pending hashes and
 * connections, so one that fails (and stops) leaves the other to load everything.
 */
@Timeout(300)
class ConcurrentImportsIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static PgTarget DB;
  static final String PRICES = "code text, date date, value numeric(12,2)";

  @TempDir Path dir;

  @BeforeAll
  static void database() {
    DB = PgTarget.of(PG.database());
  }

  /** A listener that waits, once its run has planned, until the other run has planned too. */
  private static ImportListener meetingAt(CountDownLatch planned) {
    return new ImportListener() {
      @Override
      public void onProgress(ImportProgress p) {}

      @Override
      public void onMessage(String m) {
        if (!m.startsWith("plan: ")) {
          return;
        }
        planned.countDown();
        try {
          planned.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  private Path files(String name, int files, int rows, int badFile) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    for (int f = 0; f < files; f++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < rows; i++) {
        sb.append(name).append(f).append('-').append(i).append(",2024-01-02,")
            .append(f == badFile && i == rows / 2 ? "bad" : Integer.toString(i % 1000))
            .append('\n');
      }
      Files.writeString(d.resolve(String.format("f%03d.csv", f)), sb, StandardCharsets.UTF_8);
    }
    return d;
  }

  @Test
  void aFailingImportDoesNotStopAnotherRunningAtTheSameTime() throws Exception {
    // a big file (cut while it loads: pending hashes) and small ones, in both runs
    Path good = files("good", 60, 5_000, -1);
    Path bad = files("bad", 60, 5_000, 3);
    Files.writeString(good.resolve("big.csv"), bigFile("good"), StandardCharsets.UTF_8);
    Files.writeString(bad.resolve("big.csv"), bigFile("bad"), StandardCharsets.UTF_8);
    CountDownLatch planned = new CountDownLatch(2);
    // a thread each (the common pool may have one thread on a small machine)
    ExecutorService two = Executors.newFixedThreadPool(2);
    Future<ImportReport> a = two.submit(() -> Importer.run(DB,
        options("good_one", good).build(), meetingAt(planned)));
    Future<Throwable> b = two.submit(() -> {
      try {
        Importer.run(DB, options("bad_one", bad).build(), meetingAt(planned));
        return null;
      } catch (ImportException e) {
        return e;
      }
    });
    Throwable failed = b.get(240, TimeUnit.SECONDS);
    ImportReport loaded = a.get(240, TimeUnit.SECONDS);
    two.shutdown();
    assertThat(planned.getCount()).as("both runs planned before either loaded; the run with a"
        + " bad row ended with %s", failed).isZero();

    assertThat(failed).isInstanceOf(BadInputException.class)
        .hasMessageContaining("f003.csv:2501: ");
    ImportReport partial = ((ImportException) failed).report();
    assertThat(TestPg.count(DB, "SELECT count(*) FROM bad_one"))
        .isEqualTo(partial.rowsLoaded()).isLessThan(60 * 5_000 + 200_000);
    long expected = 60 * 5_000 + 200_000;
    assertThat(loaded.rowsLoaded()).isEqualTo(expected);
    assertThat(loaded.accountingBalances()).isTrue();
    assertThat(TestPg.count(DB, "SELECT count(*) FROM good_one")).isEqualTo(expected);
    assertThat(TestPg.count(DB, "SELECT count(DISTINCT code) FROM good_one")).isEqualTo(expected);

    // and the good run's work is all in the ledger: a second run loads nothing
    ImportReport again = Importer.run(DB, options("good_one", good).build(),
        ImportListener.none());
    assertThat(again.rowsLoaded()).isZero();
    assertThat(again.rowsSkipped()).isEqualTo(expected);
  }

  @Test
  void importsCreatingTheSameTableAtOnceBothLoadIntoIt() throws Exception {
    // CREATE TABLE IF NOT EXISTS is not safe against a concurrent creation: the loser may fail on
    // the table's row type ("type ... already exists"); both imports must load all the same
    Path one = files("one", 2, 100, -1);
    Path two = files("two", 2, 100, -1);
    ExecutorService pair = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 8; round++) {
        String table = "made_at_once_" + round;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        Future<ImportReport> a = pair.submit(() -> {
          start.await();
          return Importer.run(DB, options(table, one).build(), ImportListener.none());
        });
        Future<ImportReport> b = pair.submit(() -> {
          start.await();
          return Importer.run(DB, options(table, two).build(), ImportListener.none());
        });
        assertThat(a.get(120, TimeUnit.SECONDS).rowsLoaded() + b.get(120, TimeUnit.SECONDS)
            .rowsLoaded()).as("round %d", round).isEqualTo(400);
        assertThat(TestPg.count(DB, "SELECT count(*) FROM " + table)).isEqualTo(400);
      }
    } finally {
      pair.shutdownNow();
    }
  }

  private static ImportOptions.Builder options(String table, Path files) {
    return ImportOptions.builder(table).path(files.toString()).create(PRICES)
        .header(Header.NO).executor("threads").workers(2).taskSizeMb(1);
  }

  private static String bigFile(String name) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      sb.append(name).append("-big-").append(i).append(",2024-01-03,").append(i % 1000)
          .append('\n');
    }
    return sb.toString();
  }
}

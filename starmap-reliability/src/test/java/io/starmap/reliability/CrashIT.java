package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kill -9} of the real {@code starmap import} (a child JVM) at random moments, with the
 * threads and the processes executors: after each kill no worker JVM is left, and a plain re-run
 * makes the table equal to the input exactly (row count, MD5 sum of the content, no duplicate
 * key).
 *
 * <p>CI: the talk's data set cut to 40 days x 2,000 securities, at least 3 kills per executor.
 * Full ({@code -Dstarmap.reliability.full=true}): 522 days x 10,000 securities (5.22 million
 * rows), at least 20 kills per executor.
 */
@Timeout(1800)
class CrashIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  static final int DAYS = Sizes.pick(40, PriceGenerator.DEFAULT_DAYS);
  static final int SECURITIES = Sizes.pick(2_000, PriceGenerator.DEFAULT_SECURITIES);
  static final int MIN_KILLS = Sizes.pick(3, 20);
  /** The promise: workers are gone within 2 s of their master's death (docs/library.md, "No orphans"). */
  static final Duration ORPHAN_BOUND = Duration.ofSeconds(2);
  static final Duration BUDGET = Duration.ofSeconds(Sizes.pick(30, 1500));

  @TempDir static Path dir;
  static Path data;
  static Path single;
  static Checksums expected;

  @BeforeAll
  static void generate() throws Exception {
    data = dir.resolve("prices");
    PriceGenerator.builder().days(DAYS).securities(SECURITIES).seed(42).build().writeTo(data);
    expected = Checksums.ofFiles(data);
    assertThat(expected.rows()).isEqualTo((long) DAYS * SECURITIES);
    // the same rows as one file, which the importer cuts into pieces while it loads them
    single = dir.resolve("prices-single");
    PriceGenerator.builder().days(DAYS).securities(SECURITIES).seed(42).singleFile(true).build()
        .writeTo(single);
    assertThat(Checksums.ofFiles(single)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"threads", "processes", "threads-one-file"})
  void killedImportsThenAPlainRerunLoadEveryRowExactlyOnce(String executor) throws Exception {
    Path home = Files.createDirectories(dir.resolve("home-" + executor));
    long seed = System.nanoTime();
    Random random = new Random(seed);

    // One uninterrupted import tells how long loading (plan to exit) takes here: kills fall
    // within that time.
    String calibration = "calib_" + executor.replace('-', '_');
    Path calibrationLog = Files.createTempFile(dir, "calibration-", ".log");
    Process first = Child.cli(home, calibrationLog, List.of(), args(calibration, executor)).start();
    waitForPlan(first, calibrationLog);
    long t0 = System.nanoTime();
    assertThat(first.waitFor(20, TimeUnit.MINUTES)).isTrue();
    assertThat(first.exitValue()).as(Files.readString(calibrationLog)).isZero();
    long loadMillis = Math.max(200, (System.nanoTime() - t0) / 1_000_000);
    assertTableEqualsInput(calibration);
    long rowsChecked = expected.rows();

    int kills = 0;
    int rounds = 0;
    int killsBeforePlan = 0;
    long slowestExitMs = 0;
    long deadline = System.nanoTime() + BUDGET.toNanos();
    while (kills < MIN_KILLS && System.nanoTime() < deadline) {
      String table = "prices_" + executor.replace('-', '_') + "_" + rounds++;
      int killsThisRound = 0;
      while (System.nanoTime() < deadline) {
        Path log = Files.createTempFile(dir, "import-", ".log");
        Process p = Child.cli(home, log, List.of(), args(table, executor)).start();
        boolean early = random.nextInt(6) == 0;
        if (!early) {
          waitForPlan(p, log);
        }
        // CI: within three quarters of the load, so that the few kills it needs come quickly
        long window = Sizes.FULL ? loadMillis : Math.max(150, loadMillis * 3 / 4);
        long delay = early ? random.nextLong(1_000) : random.nextLong(window);
        if (p.waitFor(delay, TimeUnit.MILLISECONDS)) {
          assertThat(p.exitValue()).as(Files.readString(log, StandardCharsets.ISO_8859_1))
              .isZero();
          break; // it finished first: this round's table is complete
        }
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // the master is dead now (waitFor returns as its exit is reaped): the bound counts from here
        long died = System.nanoTime();
        kills++;
        killsThisRound++;
        killsBeforePlan += Files.readString(log, StandardCharsets.ISO_8859_1).contains("plan:")
            ? 0 : 1;
        assertThat(Child.orphansAfter(p.pid(), died, ORPHAN_BOUND))
            .as("worker JVMs of the killed importer %d alive %s after its death (%s)", p.pid(),
                ORPHAN_BOUND, early ? "killed early" : "killed after the plan").isEmpty();
        slowestExitMs = Math.max(slowestExitMs, (System.nanoTime() - died) / 1_000_000);
      }
      // the plain re-run: completes, and loads nothing twice
      Child.Result rerun = importInto(home, table, executor);
      assertThat(rerun.exit()).as(rerun.output()).isZero();
      assertTableEqualsInput(table);
      rowsChecked += expected.rows();
      System.out.printf("CrashIT[%s] round %d: %d kills, table equals input%n", executor,
          rounds, killsThisRound);
    }
    System.out.printf("CrashIT[%s]: loading takes %d ms; %d kill -9 survived (%d before the plan), %d rounds,"
        + " %d rows checked, data set %d x %d, seed %d; workers gone at most %d ms after the"
        + " master's death%n", executor, loadMillis, kills, killsBeforePlan, rounds, rowsChecked,
        DAYS, SECURITIES, seed, slowestExitMs);
    assertThat(kills).as("kills within the budget of " + BUDGET).isGreaterThanOrEqualTo(MIN_KILLS);
    Child.Result list = Child.run(home, Duration.ofMinutes(2), List.of(), "calcs", "list",
        "--format", "csv", "--limit", "1000");
    assertThat(list.exit()).as(list.output()).isZero();
  }

  private static void waitForPlan(Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (p.isAlive() && System.nanoTime() < deadline) {
      if (Files.readString(log, StandardCharsets.ISO_8859_1).contains("plan:")) {
        return;
      }
      Thread.sleep(10);
    }
  }

  /** The import command of a variant: an executor, and "-one-file" for the single-file input. */
  static List<String> args(String table, String variant) {
    boolean oneFile = variant.endsWith("-one-file");
    return List.of("import", (oneFile ? single : data).toString(), "--table", table, "--create",
        "code text, date date, value numeric(12,2)", "--header", "no", "--db",
        PG.database().url().psqlUrl(), "--executor", variant.replace("-one-file", ""),
        "--workers", "2", "--task-size", "1");
  }

  private static Child.Result importInto(Path home, String table, String executor)
      throws Exception {
    return Child.run(home, Duration.ofMinutes(20), List.of(), args(table, executor)
        .toArray(String[]::new));
  }

  static void assertTableEqualsInput(String table) throws Exception {
    try (Connection c = PG.connect()) {
      assertThat(Checksums.ofTable(c, table)).as(table).isEqualTo(expected);
      assertThat(Checksums.duplicates(c, table)).as(table).isZero();
    }
  }
}

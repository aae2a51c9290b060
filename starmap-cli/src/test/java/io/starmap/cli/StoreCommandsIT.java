package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.store.CalcStatus;
import io.starmap.store.CalculationStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The calcs, show and report commands against a real store in a temporary STARMAP_HOME. */
@Timeout(120)
class StoreCommandsIT {
  @TempDir Path home;
  @RegisterExtension final TempHome useHome = TempHome.eachTest(() -> home);

  static Cli.Result run(String... args) {
    return Cli.run(args);
  }

  long record(String description, boolean fail) {
    return TwentyFiveTasks.record(home, description, calc -> {
      if (fail) {
        calc.fail(new IllegalStateException("broken on purpose"));
      } else {
        calc.complete();
      }
    });
  }

  @Test
  void listSearchAndShowViewsInEveryFormat() {
    long a = record("prices of 2024", false);
    long b = record("volumes of 2025", true);
    Cli.Result list = run("calcs", "list");
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out()).contains("prices of 2024", "volumes of 2025", "complete", "failed",
        "(2 rows)");
    Cli.Result failed = run("calcs", "list", "--status", "failed", "--format", "csv");
    assertThat(failed.out().lines()).hasSize(2).last().asString().startsWith(b + ",failed,");
    assertThat(run("calcs", "search", "PRICES", "--format", "json").out())
        .contains("\"id\": " + a).doesNotContain("volumes");

    Cli.Result perf = run("show", "performance", String.valueOf(a));
    assertThat(perf.code()).as(perf.err()).isZero();
    assertThat(perf.out()).contains("calc " + a + " (complete), peak memory")
        .contains("total work").contains("step");
    assertThat(run("show", "task-info", "-1", "--format", "csv").out())
        .startsWith("task,count,mean_sec,stddev,min_sec,max_sec,slowfac").contains("work,25,");
    Cli.Result tasks = run("show", "tasks", "last", "--slowest", "3", "--format", "json");
    assertThat(tasks.out()).contains("\"worker\": ").contains("\"task\": \"work\"");
    assertThat(tasks.out().split("\"task_no\"")).hasSize(4);
    assertThat(run("show", "tasks", String.valueOf(a)).out()).contains("(25 rows)");
    assertThat(run("show", "transfer", String.valueOf(a)).out()).contains("work").contains("0 B");
    assertThat(run("show", "log", "-1").out()).contains("broken on purpose");
    assertThat(run("show", "log", "-2").out()).contains("Sent 25 work tasks");
  }

  @Test
  void showRunsListsEachRunAndShortTasksKeepTheirPrecision() {
    long id = record("tiny tasks", false);
    Cli.Result runs = run("show", "runs", String.valueOf(id), "--format", "csv");
    assertThat(runs.code()).as(runs.err()).isZero();
    assertThat(runs.out().lines().toList()).hasSize(2);
    assertThat(runs.out()).startsWith("run,task,executor,workers,start,wall_sec,submitted,")
        .contains(",work,threads,2,").contains(",25,25,0,0,").contains("complete");
    // 25 tasks of a few microseconds each: the mean is not rounded to 0.
    String row = run("show", "task-info", String.valueOf(id), "--format", "table").out()
        .lines().filter(l -> l.startsWith("work")).findFirst().orElseThrow();
    String mean = row.trim().split(" +\\| *| +")[2];
    assertThat(Double.parseDouble(mean)).as(row).isPositive().isLessThan(0.01);
  }

  @Test
  void badIdsAreOneLineUserErrors() {
    record("only one", false);
    Cli.Result r = run("show", "performance", "42");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip()).startsWith("starmap: there is no calculation 42")
        .doesNotContain("Exception");
    assertThat(run("show", "tasks", "-5").err()).contains("only 1");
    assertThat(run("show", "log", "nope").err()).contains("'nope' is not a calculation id");
    assertThat(run("calcs", "list", "--status", "weird").err()).contains("unknown status");
  }

  @Test
  void deletePurgeAndAbort() throws Exception {
    long ok = record("keep me", false);
    long bad = record("purge me", true);
    assertThat(home.resolve("calc_" + bad + ".hdf5")).exists();
    Cli.Result dry = run("calcs", "purge", "--failed");
    assertThat(dry.out()).contains("purge me").contains("would delete").doesNotContain("keep me");
    assertThat(dry.err()).contains("--force");
    assertThat(run("calcs", "list").out()).contains("purge me");
    Cli.Result forced = run("calcs", "purge", "--failed", "--force");
    assertThat(forced.out()).contains("deleted");
    assertThat(run("calcs", "list").out()).doesNotContain("purge me").contains("keep me");
    assertThat(home.resolve("calc_" + bad + ".hdf5")).doesNotExist();
    assertThat(run("calcs", "purge", "--older-than", "1").out()).contains("(0 rows)");
    assertThat(run("calcs", "purge").code()).isEqualTo(2);

    // a calculation executing in another live process: abort marks it and signals the process
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    long running;
    try (CalculationStore store = CalculationStore.open(home)) {
      running = insertExecuting(store, sleeper.pid());
    }
    Cli.Result deleting = run("calcs", "delete", String.valueOf(running));
    assertThat(deleting.code()).isEqualTo(1);
    assertThat(deleting.err()).contains("abort it first");
    Cli.Result abort = run("calcs", "abort", String.valueOf(running), "--format", "csv");
    assertThat(abort.code()).as(abort.err()).isZero();
    assertThat(abort.out()).contains(running + ",executing,aborted,true");
    assertThat(sleeper.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    try (CalculationStore store = CalculationStore.open(home)) {
      assertThat(store.get(running).status()).isEqualTo(CalcStatus.ABORTED);
    }
    assertThat(run("calcs", "abort", String.valueOf(ok)).out()).contains("already complete");
    Cli.Result del = run("calcs", "delete", String.valueOf(ok), "last");
    assertThat(del.code()).as(del.err()).isZero();
    assertThat(run("calcs", "list").out()).contains("(0 rows)");
  }

  private static long insertExecuting(CalculationStore store, long pid) throws Exception {
    // what another process's store.start wrote: only the pid differs from ours
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + store.databasePath());
         var ps = c.prepareStatement("INSERT INTO calc(kind, description, status, host, pid,"
             + " start_ms) VALUES ('test', 'elsewhere', 'executing', ?, ?, ?)")) {
      ps.setString(1, CalculationStore.HOST);
      ps.setLong(2, pid);
      ps.setLong(3, System.currentTimeMillis());
      ps.executeUpdate();
    }
    return store.resolveId("last");
  }

  @Test
  void dumpRestoreAndReport() throws Exception {
    long a = record("archived", false);
    Path zip = home.resolve("archive.zip");
    Cli.Result dump = run("calcs", "dump", zip.toString(), String.valueOf(a));
    assertThat(dump.code()).as(dump.err()).isZero();
    assertThat(zip).exists();
    Cli.Result restore = run("calcs", "restore", zip.toString(), "--format", "csv");
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(restore.out()).contains(a + "," + (a + 1) + ",archived");
    Path html = home.resolve("r.html");
    Cli.Result report = run("report", String.valueOf(a + 1), "-o", html.toString());
    assertThat(report.code()).as(report.err()).isZero();
    assertThat(Files.readString(html)).contains("<svg id=\"timeline-chart\"", "archived");
    Path notZip = home.resolve("x.zip");
    Files.writeString(notZip, "not a zip");
    Cli.Result refused = run("calcs", "restore", notZip.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).startsWith("starmap: ");
  }
}

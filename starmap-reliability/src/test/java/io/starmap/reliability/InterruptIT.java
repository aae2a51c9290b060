package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) in the middle of an import into the embedded server, which no {@code db start}
 * pinned: the exit's release of the lease stops the server under the running COPY. The user reads
 * that the import was interrupted, not the connection's error; the calculation is aborted; the
 * server is stopped; a plain re-run loads the rest, every row once.
 */
@Timeout(300)
class InterruptIT {
  static final int ROWS = 3_000;

  @TempDir Path dir;

  @Test
  void ctrlCMidLoadIsReportedAsAnInterruptAndTheRerunLoadsTheRest() throws Exception {
    Path home = dir.resolve("home");
    Path csv = dir.resolve("rows.csv");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < ROWS; i++) {
      sb.append(i).append(",row ").append(i).append('\n');
    }
    Files.writeString(csv, sb);
    // each row waits a millisecond in the server: the load lasts seconds
    ok(Child.run(home, Duration.ofMinutes(3), List.of(), "sql", "CREATE TABLE t (id int, name"
        + " text); CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN PERFORM"
        + " pg_sleep(0.001); RETURN NEW; END$$; CREATE TRIGGER slow BEFORE INSERT ON t FOR EACH"
        + " ROW EXECUTE FUNCTION slow()"));

    Path log = dir.resolve("import.log");
    Process p = Child.cli(home, log, List.of(), List.of("import", csv.toString(), "--table", "t",
        "--header", "no")).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (p.isAlive() && System.nanoTime() < deadline && !read(log).contains("plan:")) {
      Thread.sleep(20);
    }
    Thread.sleep(1000); // the COPY is under way: about 3 s of rows
    assertThat(p.isAlive()).as(read(log)).isTrue();
    assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start()
        .waitFor()).isZero();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String out = read(log);
    assertThat(p.exitValue()).as(out).isEqualTo(130);
    assertThat(out).contains("starmap: import into t interrupted (calculation 1, aborted): run it"
        + " again to load the rest").doesNotContain("I/O error").doesNotContain("FATAL")
        .doesNotContain("Exception");
    assertThat(ok(Child.run(home, Duration.ofMinutes(1), List.of(), "calcs", "list")))
        .containsPattern("\\n 1 \\| aborted \\| import");
    assertThat(ok(Child.run(home, Duration.ofMinutes(1), List.of(), "db", "status")))
        .as("the last lease stopped the server").contains("stopped |");

    ok(Child.run(home, Duration.ofMinutes(3), List.of(), "sql", "DROP TRIGGER slow ON t"));
    ok(Child.run(home, Duration.ofMinutes(3), List.of(), "import", csv.toString(), "--table",
        "t", "--header", "no"));
    assertThat(ok(Child.run(home, Duration.ofMinutes(3), List.of(), "sql",
        "SELECT count(*) || ' rows, ' || count(DISTINCT id) || ' ids' FROM t")))
        .contains(ROWS + " rows, " + ROWS + " ids");
  }

  @Test
  void sigtermWhileStandardInputStillFlowsEndsAtOnceAndSaysSo() throws Exception {
    Path home = dir.resolve("home");
    ok(Child.run(home, Duration.ofMinutes(3), List.of(), "sql",
        "CREATE TABLE s (id int, name text)"));
    Path log = dir.resolve("stdin.log");
    Process p = Child.cli(home, log, List.of(), List.of("import", "-", "--table", "s",
        "--header", "no")).start();
    // the feeder goes on writing, as a pipe's writer does when only the importer is signalled
    StringBuilder block = new StringBuilder();
    for (int n = 0; block.length() < 1 << 16; n++) {
      block.append(n).append(",row ").append(n).append('\n');
    }
    byte[] rows = block.toString().getBytes(StandardCharsets.US_ASCII);
    Thread feeder = new Thread(() -> {
      try (var in = p.getOutputStream()) {
        while (true) {
          in.write(rows);
          in.flush();
          Thread.sleep(5);
        }
      } catch (java.io.IOException | InterruptedException e) {
        // the importer ended
      }
    });
    feeder.setDaemon(true);
    feeder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (p.isAlive() && System.nanoTime() < deadline && !read(log).contains("cut while")) {
      Thread.sleep(20);
    }
    Thread.sleep(1500); // pieces are loading while more input arrives
    assertThat(p.isAlive()).as(read(log)).isTrue();
    long signalled = System.nanoTime();
    p.destroy(); // SIGTERM to the importer only
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    long millis = (System.nanoTime() - signalled) / 1_000_000;
    String out = read(log);
    assertThat(p.exitValue()).as(out).isEqualTo(143);
    assertThat(out).contains("interrupted (calculation 1, aborted): run it again to load the"
        + " rest");
    // the exit waits up to 3 s for that line: it came before, as the reader stopped
    assertThat(millis).as(out).isLessThan(2_500);
  }

  private static String ok(Child.Result r) {
    assertThat(r.exit()).as(r.output()).isZero();
    return r.output();
  }

  private static String read(Path log) throws java.io.IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
  }
}

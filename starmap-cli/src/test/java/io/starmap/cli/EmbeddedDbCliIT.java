package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default as a new user meets it, in a temporary STARMAP_HOME. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedDbCliIT {
  @TempDir static Path home;
  @RegisterExtension static final TempHome USE_HOME = TempHome.wholeClass(() -> home);

  @AfterAll
  static void stopWhatRunsInTheHome() {
    Cli.run("db", "stop", "--force");
  }

  @Test
  @Order(1)
  void sqlStartsTheEmbeddedServerOnDemandAndStopsIt() {
    Cli.Result r = Cli.run("sql", "select 41+1 as answer");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("answer").contains("42");
    assertThat(r.err()).contains("first use");
    assertThat(Files.exists(home.resolve("pg/data/PG_VERSION"))).isTrue();
    Cli.Result status = Cli.run("db", "status", "--format", "csv");
    assertThat(status.out()).contains("stopped");
    assertThat(Cli.run("db", "url").code()).isEqualTo(1);
  }

  @Test
  @Order(2)
  void dbStartKeepsItRunningForPsqlUntilDbStop() throws Exception {
    Cli.Result start = Cli.run("db", "start");
    assertThat(start.code()).as(start.err()).isZero();
    assertThat(start.out()).contains("started in").contains("postgresql://postgres@127.0.0.1:");
    assertThat(Cli.run("db", "status", "--format", "json").out())
        .contains("\"state\": \"running\"").contains("\"kept_running\": true");
    String url = Cli.run("db", "url").out().strip();
    assertThat(url).startsWith("postgresql://postgres@127.0.0.1:")
        .contains("/postgres?passfile=");
    assertThat(Cli.run("sql", "--db", url, "select 7 as seven").out()).contains("7");
    // The URLs name the password file, not the password, and both forms work with --db.
    String jdbc = Cli.run("db", "url", "--jdbc").out().strip();
    assertThat(jdbc).startsWith("jdbc:postgresql://127.0.0.1:").contains("passfile=")
        .doesNotContain("password=");
    assertThat(Cli.run("sql", "--db", jdbc, "select 8 as eight").out()).contains("8");
    assertThat(Cli.run("db", "status", "--format", "csv").out()).contains("passfile=");
    assertThat(Cli.run("sql", "show fsync").out()).contains("on");
    String psql = psql(url);
    if (psql != null) {
      assertThat(psql).contains("1");
    }
    Cli.Result stop = Cli.run("db", "stop");
    assertThat(stop.code()).isZero();
    assertThat(stop.out()).contains("stopped");
    assertThat(Cli.run("db", "status", "--format", "csv").out()).contains("stopped");
    assertThat(Cli.run("db", "stop").out()).contains("was not running");
  }

  /** What psql prints for {@code select 1} at {@code url}, or null if there is no psql. */
  private static String psql(String url) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("psql", url, "-XAtc", "select 1").redirectErrorStream(true).start();
    } catch (IOException e) {
      return null;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}

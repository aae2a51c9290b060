package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainTest {

  @Test
  void versionPrintsStarmapAndJava() {
    Cli.Result r = Cli.run("--version");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("starmap ").contains("Java ");
  }

  @Test
  void helpListsTheCommands() {
    Cli.Result r = Cli.run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("sql").contains("db");
  }

  @Test
  void theLazyCommandLineHasJustTheNamedCommand() {
    assertThat(StarmapCommand.commandLine("--verbose", "sql", "select 1").getSubcommands())
        .containsOnlyKeys("sql");
    assertThat(StarmapCommand.commandLine("--version").getSubcommands()).isEmpty();
    assertThat(StarmapCommand.commandLine("--help").getSubcommands().keySet())
        .isEqualTo(StarmapCommand.commandLine().getSubcommands().keySet())
        .contains("db", "sql");
    assertThat(StarmapCommand.commandLine("sqll").getSubcommands()).containsKey("db");
    Cli.Result typo = Cli.run("sqll");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).contains("sql");
  }

  @Test
  void everyCommandsHelpRendersWithoutPicocliWarnings() {
    // picocli formats descriptions with String.format: a lone % (as in "stddev (% of mean)")
    // makes it warn on System.err and print the raw text. Its warnings bypass the command
    // line's own writers.
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
    java.util.List<String> names = new java.util.ArrayList<>();
    try {
      System.setErr(new java.io.PrintStream(warnings, true,
          java.nio.charset.StandardCharsets.UTF_8));
      java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>();
      todo.add(StarmapCommand.commandLine());
      while (!todo.isEmpty()) {
        picocli.CommandLine cl = todo.poll();
        names.add(cl.getCommandSpec().qualifiedName());
        assertThat(cl.getUsageMessage()).as(cl.getCommandSpec().qualifiedName()).isNotBlank();
        todo.addAll(cl.getSubcommands().values());
      }
    } finally {
      System.setErr(stderr);
    }
    assertThat(names).contains("starmap show task-info", "starmap import");
    assertThat(warnings.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void usageErrorsExitWith2() {
    Cli.Result r = Cli.run("--no-such-option");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--no-such-option");
    assertThat(Cli.run("sql").code()).as("missing SQL").isEqualTo(2);
    assertThat(Cli.run("sql", "--format", "yaml", "select 1").code()).isEqualTo(2);
  }

  @Test
  void unreachableDatabaseFailsWithOneLineNamingHostAndPort() {
    Cli.Result r = Cli.run("sql", "--db", "postgresql://127.0.0.1:1/none", "select 1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList()).containsExactly(
        "starmap: cannot connect to PostgreSQL at 127.0.0.1:1 (database none): Connection refused");
  }

  @Test
  void verboseShowsTheStackTrace() {
    Cli.Result r = Cli.run("sql", "--verbose", "--db", "postgresql://127.0.0.1:1/none",
        "select 1");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("127.0.0.1:1").contains("\tat ");
  }

  @Test
  void malformedUrlIsAUsageErrorWithoutThePassword() {
    Cli.Result r = Cli.run("sql", "--db", "mysql://u:topsecret@h/d", "select 1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).contains("mysql://u:***@h/d").doesNotContain("topsecret");
  }

  @Test
  void dbUrlConvertsAGivenUrl() {
    Cli.Result r = Cli.run("db", "url", "--db", "jdbc:postgresql://h:5/d?user=u&password=p%40");
    assertThat(r.code()).isZero();
    assertThat(r.out().strip()).isEqualTo("postgresql://u:p%40@h:5/d");
    assertThat(Cli.run("db", "url", "--jdbc", "--db", "postgresql://u:p@h:5/d").out().strip())
        .isEqualTo("jdbc:postgresql://h:5/d?user=u&password=p");
  }
}

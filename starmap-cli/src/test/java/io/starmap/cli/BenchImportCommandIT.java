package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.starmap.importer.testing.PostgresExtension;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code starmap bench import --quick} end to end on the embedded PostgreSQL: the importer in a
 * separate JVM, psql streams and the talk's scripts. Checks the rows of the table and that both
 * sides' CPU is measured, not timings.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BenchImportCommandIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path tmp;

  @Test
  void quickBenchMeasuresEveryCaseOfEveryShape() throws Exception {
    assumeTrue(onPath("psql"), "psql is not installed");
    assumeTrue(StarmapCommand.commandLine().getSubcommands().containsKey("import"),
        "the import command has not landed");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = StarmapCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    Path md = tmp.resolve("docs/bench.md");

    int rc = cl.execute("bench", "import", "--quick", "--db", PG.database().url().psqlUrl(),
        "--dir", tmp.resolve("bench").toString(), "--home", tmp.resolve("home").toString(),
        "--exercise", "one worker=--workers 1", "--markdown", md.toString(), "--format", "csv");

    assertThat(rc).as(err.toString()).isZero();
    // its logs and scripts, which may be in STARMAP_HOME, are the user's only
    for (String sub : new String[] {"logs", "scripts"}) {
      try (var files = java.nio.file.Files.walk(tmp.resolve("bench").resolve(sub))) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String mode = java.nio.file.attribute.PosixFilePermissions.toString(
              java.nio.file.Files.getPosixFilePermissions(f));
          assertThat(mode).as(f.toString())
              .isEqualTo(java.nio.file.Files.isDirectory(f) ? "rwx------" : "rw-------");
        }
      }
    }
    List<String> lines = new ArrayList<>(Arrays.asList(out.toString().strip().split("\n")));
    assertThat(lines.remove(0)).isEqualTo("shape,group,case,files,rows,runs,best s,median s,"
        + "client cpu s,server cpu s,rows/s,x best psql,x psql median,target,verdict");
    List<String> cases = lines.stream().map(l -> String.join(",",
        Arrays.asList(l.split(",")).subList(0, 3))).toList();
    assertThat(cases).containsExactlyInAnyOrder(
        "default,starmap import,default",
        "default,exercise,one worker",
        "default,psql streams,\\copy per file x1",
        "default,psql streams,cat | COPY FROM STDIN x1",
        "default,psql streams,\\copy per file x2",
        "default,psql streams,cat | COPY FROM STDIN x2",
        "default,talk scripts,one psql per file x1",
        "default,talk scripts,one psql per file x2",
        "split,starmap import,default",
        "split,psql streams,\\copy per file x1",
        "split,psql streams,cat | COPY FROM STDIN x1",
        "split,psql streams,\\copy per file x2",
        "split,psql streams,cat | COPY FROM STDIN x2",
        "split,talk scripts,one psql per file x1",
        "split,talk scripts,one psql per file x2",
        "single,starmap import,default",
        "single,psql streams,\\copy per file x1",
        "single,psql streams,cat | COPY FROM STDIN x1",
        "single,psql streams,cat | COPY FROM STDIN x2",
        "single,talk scripts,one psql per file x1");
    for (String l : lines) {
      assertThat(l).as("every case ran once with 1200 rows").contains(",1200,1,")
          .doesNotContain("failed");
    }
    assertThat(lines).filteredOn(l -> l.contains(",starmap import,"))
        .allMatch(l -> l.endsWith(",ok") || l.endsWith(",missed"));
    // the embedded server is a local process: both sides' CPU is measured in every case
    for (String l : lines) {
      String[] f = l.split(",");
      assertThat(f[9]).as("server cpu s of %s", l).isNotEmpty();
      assertThat(f[8]).as("client cpu s of %s", l).isNotEmpty();
      if (f[1].equals("starmap import")) {
        assertThat(Double.parseDouble(f[8])).as("a JVM's CPU: %s", l).isPositive();
        assertThat(Double.parseDouble(f[9])).as("the server's CPU: %s", l).isPositive();
      }
    }
    // one shape after the other, each after an import of its own data that trains the archive
    List<String> blocks = new ArrayList<>();
    for (String l : err.toString().lines().toList()) {
      String step = l.startsWith("warm-up of the ") ? "warm-up " + l.split(" ")[3]
          : l.startsWith("round ") ? l.split(": ", 2)[1].split(" / ")[0] : null;
      if (step != null && (blocks.isEmpty() || !blocks.get(blocks.size() - 1).equals(step))) {
        blocks.add(step);
      }
    }
    assertThat(blocks).containsExactly("warm-up default", "default", "warm-up split", "split",
        "warm-up single", "single");
    // each on its own shape's data, which the report names
    assertThat(err.toString()).doesNotContain("warm-up failed");
    Map<String, Long> csvFiles = new LinkedHashMap<>();
    String markdown = Files.readString(md);
    for (String l : err.toString().lines().filter(l -> l.startsWith("warm-up of the ")).toList()) {
      String shape = l.split(" ")[3];
      String dir = l.substring(l.indexOf(" of ", 14) + 4, l.indexOf(" (trains"));
      try (var files = Files.list(tmp.resolve("bench/data").resolve(dir))) {
        csvFiles.put(shape, files.filter(f -> f.toString().endsWith(".csv")).count());
      }
      assertThat(tmp.resolve("bench/logs/warmup-" + shape + ".log")).isRegularFile();
      assertThat(markdown).contains("| archive of the " + shape + " shape | trained on " + dir
          + " |");
    }
    assertThat(csvFiles.get("single")).isOne();
    assertThat(csvFiles.get("default")).isGreaterThan(1).isLessThan(csvFiles.get("split"));
    assertThat(markdown).contains("| server CPU measured | yes (postmaster pid ",
        "| shape | group | case |", "| PostgreSQL server | PostgreSQL",
        "| psql | psql (PostgreSQL)", "starmap bench import --quick --db URL");
    assertThat(markdown.lines().filter(l -> l.startsWith("| default |")
        || l.startsWith("| split |") || l.startsWith("| single |"))).hasSize(lines.size());
  }

  @Test
  void theJsonTableCarriesBothSidesCpu() {
    assumeTrue(onPath("psql"), "psql is not installed");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = StarmapCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    int rc = cl.execute("bench", "import", "--quick", "--db", PG.database().url().psqlUrl(),
        "--dir", tmp.resolve("bench").toString(), "--home", tmp.resolve("home").toString(),
        "--shapes", "single", "--max-streams", "1", "--no-talk", "--format", "json");

    assertThat(rc).as(err.toString()).isZero();
    assertThat(err.toString()).contains("server CPU measured: yes (postmaster pid ");
    List<String> rows = out.toString().lines().filter(l -> l.startsWith("  {")).toList();
    assertThat(rows).hasSize(3).allSatisfy(row -> assertThat(row)
        .containsPattern("\"median s\": [0-9.]+, \"client cpu s\": [0-9.]+, "
            + "\"server cpu s\": [0-9.]+, \"rows/s\""));
  }

  @Test
  void aShapeNamedTwiceFailsBeforeAnythingRuns() {
    StringWriter err = new StringWriter();
    CommandLine cl = StarmapCommand.commandLine();
    cl.setErr(new PrintWriter(err));

    int rc = cl.execute("bench", "import", "--quick", "--dir", tmp.resolve("bench").toString(),
        "--shapes", "split,default,split");

    assertThat(rc).as(err.toString()).isEqualTo(2);
    assertThat(err.toString())
        .contains("the shape split is named more than once: name each shape once");
    assertThat(tmp.resolve("bench")).as("nothing generated or measured").doesNotExist();
  }

  @Test
  void aMarkdownFileThatCannotBeWrittenFailsBeforeTheMeasurements() throws Exception {
    assumeTrue(onPath("psql"), "psql is not installed");
    Path aDirectory = Files.createDirectories(tmp.resolve("results"));
    Path aFile = Files.writeString(tmp.resolve("plain-file"), "");
    String[][] cases = {
        {aDirectory.toString(), "cannot write " + aDirectory + ": it is a directory"},
        {aFile.resolve("bench.md").toString(), "cannot write " + aFile.resolve("bench.md") + ": "
            + aFile + " is a file, not a directory"}};
    for (String[] c : cases) {
      StringWriter err = new StringWriter();
      CommandLine cl = StarmapCommand.commandLine();
      cl.setErr(new PrintWriter(err));

      int rc = cl.execute("bench", "import", "--quick", "--db", PG.database().url().psqlUrl(),
          "--dir", tmp.resolve("bench").toString(), "--markdown", c[0]);

      assertThat(rc).as(err.toString()).isEqualTo(2);
      assertThat(err.toString()).contains(c[1]);
      assertThat(tmp.resolve("bench")).as("nothing generated or measured").doesNotExist();
    }
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}

package io.starmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every shell command of the repository's {@code README.md}, {@code CONTRIBUTING.md} and of
 * every {@code *.md} under {@code docs/} ({@code ```bash}, {@code ```sh} and {@code ```console}
 * blocks, read from the files themselves), so that a guide cannot drift from the code: each block
 * must end with exit status 0 (or the one its {@code <!-- exit: N -->} mark gives), and a console
 * block must print what it shows. Blocks and commands marked {@code <!-- not run: REASON -->} (see
 * {@link MarkdownShell}) are counted and listed with their reason.
 *
 * <p>The blocks run in the order of the documents (README, CONTRIBUTING, then docs/ by name), as a
 * reader would type them, with {@code bin/starmap} on the jars this build packaged: in one
 * temporary {@code STARMAP_HOME}, {@code HOME} and working directory; the working directory links
 * to the repository's top-level entries, so that {@code bin/starmap} and the paths of the modules
 * resolve as they do from a checkout. The embedded PostgreSQL is started once for all of them.
 */
class MarkdownShellBlocksIT {
  private static final long BLOCK_TIMEOUT_MINUTES = 3;
  private static final Pattern ANY_TEXT = Pattern.compile("…");

  @TempDir static Path dir;
  private static Path work;
  private static Map<String, String> env;

  @BeforeAll
  static void aCheckoutAndAHome() throws Exception {
    Path root = MarkdownJavaBlocksTest.root();
    Path jars = root.resolve("starmap-cli/target");
    assertThat(jars.resolve("lib")).as("the CLI packaged by this build (mvn package)")
        .isDirectory();
    Path stamp = jars.resolve(".starmap-built");
    if (!Files.exists(stamp)) {
      Files.createFile(stamp); // the jars are this build's: bin/starmap need not build them again
    }
    work = Files.createDirectories(dir.resolve("work"));
    try (Stream<Path> entries = Files.list(root)) {
      for (Path e : entries.filter(e -> !e.getFileName().toString().startsWith(".")).toList()) {
        Files.createSymbolicLink(work.resolve(e.getFileName()), e);
      }
    }
    Path bin = Files.createDirectories(dir.resolve("path"));
    Files.createSymbolicLink(bin.resolve("starmap"), root.resolve("bin/starmap"));
    String javaHome = System.getProperty("java.home");
    env = Map.of(
        "STARMAP_HOME", dir.resolve("home").toString(),
        "HOME", Files.createDirectories(dir.resolve("user")).toString(),
        "JAVA_HOME", javaHome,
        "PATH", bin + ":" + javaHome + "/bin:" + System.getenv("PATH"),
        // The jars are this build's; no class archive is trained in the background meanwhile.
        "STARMAP_NO_BUILD", "1",
        "STARMAP_CDS", "off");
    Run started = run("bin/starmap db start");
    assertThat(started.exit()).as("db start: %s", started.output()).isZero();
  }

  @AfterAll
  static void stopWhatTheBlocksLeft() throws Exception {
    if (env != null) {
      run("bin/starmap workers stop");
      run("bin/starmap db stop --force");
    }
  }

  @TestFactory
  Stream<DynamicTest> everyShellCommandOfTheDocumentsRuns() {
    List<MarkdownShell.Block> blocks = MarkdownJavaBlocksTest.documents().stream()
        .flatMap(d -> MarkdownShell.blocks(d).stream()).toList();
    // The README's two blocks and the guides' dozens: fewer means the extraction broke.
    assertThat(blocks.stream().filter(b -> b.file().endsWith("README.md")).count())
        .isGreaterThanOrEqualTo(2);
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(20);
    List<String> notRun = new ArrayList<>();
    for (MarkdownShell.Block b : blocks) {
      for (String c : b.commands()) {
        String why = b.whyNot(c);
        if (why != null && !c.isBlank() && !c.strip().startsWith("#")) {
          notRun.add(b.where() + ": " + c.lines().findFirst().orElse("") + "  -- " + why);
        }
      }
    }
    long run = blocks.stream().filter(b -> !b.skipped()).count();
    System.out.printf("%d shell blocks in the documents: %d run, %d not run at all;"
        + " %d commands not run:%n", blocks.size(), run, blocks.size() - run, notRun.size());
    notRun.forEach(n -> System.out.println("  " + n));
    return blocks.stream().filter(b -> !b.skipped())
        .map(b -> DynamicTest.dynamicTest(b.where(), () -> runBlock(b)));
  }

  private static void runBlock(MarkdownShell.Block b) throws Exception {
    if (b.language().equals("console")) {
      runConsole(b);
      return;
    }
    StringBuilder script = new StringBuilder();
    for (String c : b.commands()) {
      if (b.whyNot(c) == null) {
        script.append(c).append('\n');
      }
    }
    Run r = run(script.toString());
    assertThat(r.exit()).as("the ```%s block at %s ended with exit status %d, not %d:%n%s%n"
        + "printed:%n%s", b.language(), b.where(), r.exit(), b.exit(), script, r.output())
        .isEqualTo(b.exit());
  }

  /** Each {@code $ } command of a console block, and what the block shows it prints. */
  private static void runConsole(MarkdownShell.Block b) throws Exception {
    List<String> commands = b.commands();
    for (int i = 0; i < commands.size(); i++) {
      String c = commands.get(i);
      if (!c.startsWith("$ ") || b.whyNot(c.substring(2)) != null) {
        continue;
      }
      List<String> shown = new ArrayList<>();
      for (int k = i + 1; k < commands.size() && !commands.get(k).startsWith("$ "); k++) {
        shown.add(commands.get(k));
      }
      Run r = run(c.substring(2));
      assertThat(r.exit()).as("%s: `%s` exited %d, not %d: %s", b.where(), c, r.exit(), b.exit(),
          r.output()).isEqualTo(b.exit());
      List<String> printed = r.output().lines().toList();
      assertThat(printed).as("%s: `%s` printed", b.where(), c).hasSameSizeAs(shown);
      for (int k = 0; k < shown.size(); k++) {
        String regex = ANY_TEXT.splitAsStream(shown.get(k)).map(Pattern::quote)
            .reduce((x, y) -> x + ".*" + y).orElse("");
        assertThat(printed.get(k)).as("%s: line %d of what `%s` printed", b.where(), k + 1, c)
            .matches(regex + (shown.get(k).endsWith("…") ? ".*" : ""));
      }
    }
  }

  /** What a script did: its exit status and its output (standard output and error, merged). */
  private record Run(int exit, String output) {}

  private static Run run(String script) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script)
        .directory(work.toFile()).redirectErrorStream(true);
    // The reader's shell has no database, cluster or JVM options of this test run's.
    pb.environment().keySet().removeIf(k -> k.startsWith("STARMAP_") || k.startsWith("PG")
        || k.equals("JAVA_TOOL_OPTIONS"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Process p = pb.redirectOutput(out.toFile()).start();
    if (!p.waitFor(BLOCK_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
      throw new AssertionError("still running after " + BLOCK_TIMEOUT_MINUTES + " minutes: "
          + script + "\nprinted: " + read(out));
    }
    return new Run(p.exitValue(), read(out));
  }

  private static String read(Path out) throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}

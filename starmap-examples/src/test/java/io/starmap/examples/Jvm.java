package io.starmap.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program in a JVM of its own on this module's test class path, as a user runs it: an example's
 * {@code main}, or the {@code starmap} command line ({@code io.starmap.cli.Main}).
 */
final class Jvm {
  /** What a finished program did: its pid, exit code and everything it printed (out and err). */
  record Result(long pid, int exit, String output) {}

  private Jvm() {}

  /** How a program finds Starmap and the examples: as a user may run them, both work. */
  enum Paths {
    /** {@code java -cp PATH MAIN}: everything in the unnamed module. */
    CLASS_PATH,
    /**
     * {@code java -p PATH -m io.starmap.examples/MAIN}: Starmap's modules and the examples as named
     * modules, the other jars as automatic ones; only what the descriptors export is reachable.
     */
    MODULE_PATH
  }

  /** The starmap CLI's entry point, as bin/starmap runs it. */
  static final String CLI = "io.starmap.cli.Main";

  /**
   * Runs {@code mainClass ARGS} to its end with {@code STARMAP_HOME=home} (and no other
   * {@code STARMAP_*} variable of the machine's); killed after {@code timeout}.
   */
  static Result run(Path home, Duration timeout, String mainClass, String... args)
      throws IOException, InterruptedException {
    return run(Paths.CLASS_PATH, home, timeout, mainClass, args);
  }

  /** Runs an example's {@code mainClass} as {@link #run(Path, Duration, String, String...)}, on {@code paths}. */
  static Result run(Paths paths, Path home, Duration timeout, String mainClass, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Short programs: start fast. The SQLite driver loads a native library (JDK 24+ warns).
    cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
    cmd.add("--enable-native-access="
        + (paths == Paths.CLASS_PATH ? "ALL-UNNAMED" : "org.xerial.sqlitejdbc"));
    if (Runtime.version().feature() >= 23) {
      cmd.add("--sun-misc-unsafe-memory-access=allow"); // Hazelcast's shaded jctools
    }
    if (paths == Paths.CLASS_PATH) {
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(mainClass);
    } else {
      cmd.add("-p");
      cmd.add(modulePath());
      cmd.add("-m");
      cmd.add("io.starmap.examples/" + mainClass);
    }
    cmd.addAll(List.of(args));
    Path log = Files.createTempFile(home.getParent(), "jvm-", ".log");
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = b.environment();
    env.keySet().removeIf(k -> k.startsWith("STARMAP_"));
    env.put("STARMAP_HOME", home.toString());
    Process p = b.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError(mainClass + " " + String.join(" ", args) + " did not end within "
          + timeout + "; output:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Result(p.pid(), p.exitValue(), out);
  }

  /** The examples' classes and their run-time jars, as Maven listed them for this module. */
  private static String modulePath() throws IOException {
    Path target = Path.of("target");
    String jars = Files.readString(target.resolve("runtime-path.txt"), StandardCharsets.UTF_8)
        .strip();
    return target.resolve("classes").toAbsolutePath() + java.io.File.pathSeparator + jars;
  }
}

package io.starmap.cli.bench;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts external programs for the benchmark and turns their failures into messages. */
final class Processes {
  /** Children still running, destroyed if the benchmark is stopped (they would load on). */
  private static final java.util.Set<Process> RUNNING = java.util.concurrent.ConcurrentHashMap
      .newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      for (Process p : RUNNING) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }, "starmap-bench-children"));
  }

  private Processes() {}

  /** Starts {@code cmd} with its output appended to {@code log}. */
  static Process start(List<String> cmd, Map<String, String> env, Path log) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(env);
    try {
      OwnerOnly.createFileIfMissing(log); // mode 600: logs go in the home
      Process p = pb.start();
      RUNNING.add(p);
      p.onExit().thenRun(() -> RUNNING.remove(p));
      return p;
    } catch (IOException e) {
      throw new BenchException("cannot start " + shortCommand(cmd) + ": " + e.getMessage(), e);
    }
  }

  /** Waits for {@code p}; a non-zero exit is an error that quotes the end of {@code log}. */
  static void await(Process p, List<String> cmd, Path log) {
    try {
      int rc = p.waitFor();
      if (rc != 0) {
        throw new BenchException("exit " + rc + ": " + tail(log) + " (from " + shortCommand(cmd)
            + ")");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      p.onExit().join(); // reaped later, its CPU would count in another run's (CpuMeter)
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while running " + shortCommand(cmd), e);
    }
  }

  /** Runs {@code cmd} to the end, its output appended to {@code log}. */
  static void run(List<String> cmd, Map<String, String> env, Path log) {
    await(start(cmd, env, log), cmd, log);
  }

  /** Runs {@code cmd} and returns its standard output, stripped; errors quote the output. */
  static String capture(List<String> cmd, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      if (rc != 0) {
        throw new BenchException("exit " + rc + " from " + shortCommand(cmd) + ": " + out.strip());
      }
      return out.strip();
    } catch (IOException e) {
      throw new BenchException("cannot run " + shortCommand(cmd) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while running " + shortCommand(cmd), e);
    }
  }

  /** The command without connection strings (which may hold a password), shortened. */
  static String shortCommand(List<String> cmd) {
    List<String> shown = new ArrayList<>();
    for (String a : cmd) {
      shown.add(a.startsWith("postgres") || a.startsWith("jdbc:") ? "<url>"
          : a.length() > 80 ? a.substring(0, 77) + "..." : a);
    }
    return String.join(" ", shown);
  }

  /** The last lines of {@code log}, the last first (it usually says what went wrong). */
  static String tail(Path log) {
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
      lines.removeIf(String::isBlank);
      List<String> last = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 5),
          lines.size()));
      java.util.Collections.reverse(last);
      return String.join(" | ", last).strip() + " (log: " + log + ")";
    } catch (IOException | UncheckedIOException e) {
      return "(no output; log " + log + ")";
    }
  }
}

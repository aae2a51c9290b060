package io.starmap.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code starmap} CLI ({@code io.starmap.cli.Main}) in a JVM of its own, with its own
 * {@code STARMAP_HOME}: what a user runs, and what {@code kill -9} can hit.
 */
final class Child {
  /** What a finished child did: its exit code and everything it printed (out and err). */
  record Result(int exit, String output) {}

  private Child() {}

  /** A process builder for {@code starmap ARGS} with output going to {@code log}. */
  static ProcessBuilder cli(Path home, Path log, List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.starmap.cli.Main");
    cmd.addAll(args);
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    b.environment().put("STARMAP_HOME", home.toString());
    b.environment().remove("STARMAP_DB");
    return b;
  }

  /** Runs {@code starmap ARGS} to its end (killed after {@code timeout}). */
  static Result run(Path home, Duration timeout, List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(home.getParent(), "child-", ".log");
    Process p = cli(home, log, jvmOptions, List.of(args)).start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new AssertionError("starmap " + String.join(" ", args) + " did not end within "
          + timeout + "; output:\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
    }
    String out = Files.readString(log, StandardCharsets.ISO_8859_1);
    Files.delete(log);
    return new Result(p.exitValue(), out);
  }

  /** Live worker JVMs of the processes executor whose master was {@code masterPid}. */
  static List<ProcessHandle> workersOf(long masterPid) {
    String marker = "-Dstarmap.worker=" + masterPid + ".";
    return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
        .filter(h -> commandLine(h).map(c -> c.contains(marker)).orElse(false)).toList();
  }

  /** Live worker JVMs of any master. */
  static List<ProcessHandle> anyWorkers() {
    return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
        .filter(h -> commandLine(h).map(c -> c.contains("-Dstarmap.worker=")).orElse(false))
        .toList();
  }

  /**
   * Waits until no worker of {@code masterPid} is alive (they watch their master and exit when
   * it dies); returns those still alive after {@code within}.
   */
  static List<ProcessHandle> orphansAfter(long masterPid, Duration within)
      throws InterruptedException {
    return orphansAfter(masterPid, System.nanoTime(), within);
  }

  /**
   * Like {@link #orphansAfter(long, Duration)}, with {@code within} counted from {@code
   * sinceNanos} (a {@link System#nanoTime} reading: when the master was seen dead), not from this
   * call, so that time the test spent elsewhere is not granted to the workers.
   */
  static List<ProcessHandle> orphansAfter(long masterPid, long sinceNanos, Duration within)
      throws InterruptedException {
    long deadline = sinceNanos + within.toNanos();
    List<ProcessHandle> left = workersOf(masterPid);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      left = workersOf(masterPid);
    }
    return left;
  }

  /** The command line from /proc (not truncated, unlike ProcessHandle.Info on some systems). */
  private static Optional<String> commandLine(ProcessHandle h) {
    try {
      byte[] b = Files.readAllBytes(Path.of("/proc", Long.toString(h.pid()), "cmdline"));
      return Optional.of(new String(b, StandardCharsets.UTF_8).replace('\0', ' '));
    } catch (IOException | RuntimeException e) {
      return h.info().commandLine();
    }
  }
}

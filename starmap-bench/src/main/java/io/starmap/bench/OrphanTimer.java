package io.starmap.bench;

import io.starmap.core.Starmap;
import io.starmap.core.processes.ProcessPools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * How long the workers of the {@code processes} executor outlive a master killed with SIGKILL:
 * starts a master JVM (this class with the argument {@code master}) that runs a pool of 2 workers
 * busy with long tasks, kills it with {@code kill -9}, and polls /proc until no process with the
 * master's marker is alive (zombies count as dead). Prints one line per round and the summary.
 *
 * <p>Run: {@code java -cp starmap-bench/target/benchmarks.jar io.starmap.bench.OrphanTimer 10}
 */
public final class OrphanTimer {
  private OrphanTimer() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("master")) {
      master(args[1]);
      return;
    }
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    double[] millis = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      millis[r] = round();
      System.out.printf(Locale.ROOT, "round %d: workers gone %.1f ms after kill -9%n", r + 1,
          millis[r]);
    }
    Arrays.sort(millis);
    System.out.printf(Locale.ROOT, "median %.1f ms, max %.1f ms over %d rounds%n",
        millis[rounds / 2], millis[rounds - 1], rounds);
  }

  private static void master(String marker) throws Exception {
    Map<String, String> options = Map.of("jvmOptions", "-Dstarmap.bench.marker=" + marker);
    var info = ProcessPools.warmUp(2, options);
    Starmap.Builder<Integer, Integer> b = Starmap.<Integer, Integer>builder("sleepy",
        (x, ctx) -> {
          Thread.sleep(60_000);
          return x;
        }).executor("processes").workers(2);
    options.forEach(b::option);
    System.out.println("PIDS " + info.workerPids());
    System.out.flush();
    b.build().reduce(List.of(1, 2), 0, Integer::sum);
  }

  private static double round() throws Exception {
    String marker = UUID.randomUUID().toString();
    List<String> cmd = new ArrayList<>(List.of(
        ProcessHandle.current().info().command().orElseThrow(), "-cp",
        System.getProperty("java.class.path"), OrphanTimer.class.getName(), "master", marker));
    Process master = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("PIDS")) {
      // wait for the pool
    }
    if (line == null) {
      throw new IllegalStateException("the master did not start its pool");
    }
    Thread.sleep(500); // the tasks reach the workers
    if (live(marker) != 2) {
      throw new IllegalStateException("expected 2 live workers");
    }
    master.destroyForcibly();
    long t0 = System.nanoTime();
    while (live(marker) > 0) {
      if (System.nanoTime() - t0 > 30_000_000_000L) {
        throw new IllegalStateException("workers still alive 30 s after kill -9");
      }
      Thread.sleep(1);
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    master.waitFor();
    return ms;
  }

  private static int live(String marker) throws IOException {
    int n = 0;
    try (var procs = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path p : procs) {
        if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")),
              StandardCharsets.UTF_8);
          if (cmdline.contains(marker) && cmdline.contains("starmap.worker")
              && !Files.readString(p.resolve("status")).matches("(?s).*State:\\s+[ZX].*")) {
            n++;
          }
        } catch (IOException gone) {
          // ended while we looked
        }
      }
    }
    return n;
  }
}

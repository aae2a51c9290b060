package io.starmap.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real master JVM with a real pool, killed with SIGKILL: its workers must not survive it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NoOrphansIT {

  @Test
  void workersExitWithin2SecondsOfAKill9OfTheirMaster() throws Exception {
    killMasterAndCheck("all");
  }

  /** Each of the four watches alone is enough. */
  @ParameterizedTest
  @ValueSource(strings = {"pdeathsig", "stdin", "poll", "socket"})
  void eachWatchAloneKillsTheWorkers(String watch) throws Exception {
    assumeTrue(!watch.equals("pdeathsig") || Runtime.version().feature() >= 22,
        "prctl needs the foreign function API of Java 22+");
    killMasterAndCheck(watch);
  }

  private static void killMasterAndCheck(String watch) throws Exception {
    String marker = UUID.randomUUID().toString();
    Process master = watch.equals("all") ? startMaster(marker)
        : startMaster(marker, "run", watch);
    try {
      List<Long> pids = awaitPids(master);
      assertThat(pids).hasSize(2);
      assertThat(LiveWorkers.withMarker(marker)).containsExactlyInAnyOrderElementsOf(pids);
      Thread.sleep(500); // let the two long tasks reach the workers
      master.destroyForcibly(); // SIGKILL on Linux
      long killed = System.nanoTime();
      assertThat(master.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(master.exitValue()).isEqualTo(137);
      List<Long> left = LiveWorkers.withMarker(marker);
      while (!left.isEmpty() && System.nanoTime() - killed < 2_000_000_000L) {
        Thread.sleep(20);
        left = LiveWorkers.withMarker(marker);
      }
      long millis = (System.nanoTime() - killed) / 1_000_000;
      assertThat(left).as("workers alive %d ms after the master was killed", millis).isEmpty();
    } finally {
      master.destroyForcibly();
      LiveWorkers.withMarker(marker).forEach(
          pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void workersAreStoppedWhenTheMasterExits() throws Exception {
    String marker = UUID.randomUUID().toString();
    Process master = startMaster(marker, "exit");
    try {
      List<Long> pids = awaitPids(master);
      assertThat(pids).hasSize(2);
      assertThat(master.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long exited = System.nanoTime();
      List<Long> left = LiveWorkers.withMarker(marker);
      while (!left.isEmpty() && System.nanoTime() - exited < 2_000_000_000L) {
        Thread.sleep(20);
        left = LiveWorkers.withMarker(marker);
      }
      assertThat(left).isEmpty();
    } finally {
      master.destroyForcibly();
      LiveWorkers.withMarker(marker).forEach(
          pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  private static Process startMaster(String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PoolMaster.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private static List<Long> awaitPids(Process master) throws Exception {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PIDS [")) {
        List<Long> pids = new ArrayList<>();
        for (String p : line.substring(6, line.length() - 1).split(",\\s*")) {
          pids.add(Long.parseLong(p.trim()));
        }
        Drain.inBackground(out);
        return pids;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the master exited before starting its pool:\n" + seen);
  }
}

package io.starmap.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers' {@code @argfile} (the class path) lives only while their JVMs start: a master
 * with a running pool has none left in its temporary directory, and a {@code kill -9} of it
 * leaves none behind. The master is a real JVM of its own, with a temporary directory of its
 * own, so that other programs' files in {@code /tmp} do not count.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArgFileTest {
  @TempDir Path tmp;

  @Test
  void noArgFileIsLeftOnceTheWorkersRunNorAfterAKill9OfTheirMaster() throws Exception {
    String marker = UUID.randomUUID().toString();
    Process master = startMaster(tmp, marker);
    try {
      awaitWorkers(master);
      assertThat(argFiles(tmp)).as("@argfiles left while the pool runs").isEmpty();
      master.destroyForcibly(); // SIGKILL: no exit hook runs
      assertThat(master.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(master.exitValue()).isEqualTo(137);
      assertThat(argFiles(tmp)).as("@argfiles left by a master killed with SIGKILL").isEmpty();
    } finally {
      master.destroyForcibly();
      LiveWorkers.withMarker(marker).forEach(
          pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  private static List<Path> argFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("starmap-worker-")).toList();
    }
  }

  private static Process startMaster(Path tmp, String marker) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PoolMaster.class.getName());
    cmd.add(marker);
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /** Returns once the master printed its workers' pids: all of them connected and are ready. */
  private static void awaitWorkers(Process master) throws IOException {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PIDS [")) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // discard, so that the master never blocks on a full pipe
            }
          } catch (IOException ignored) {
            // the master is gone
          }
        });
        drain.setDaemon(true);
        drain.start();
        return;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the master exited before starting its pool:\n" + seen);
  }
}

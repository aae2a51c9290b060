package io.starmap.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workers' class path leaves no file behind: it goes in their environment, so a master
 * killed with SIGKILL even while its workers start leaves no {@code starmap-worker-*.args} file;
 * a class path too long for the environment goes in an owner-only {@code @argfile} that is gone
 * once the workers run, so a {@code kill -9} of the master then leaves none either. The master is
 * a real JVM of its own, with a temporary directory of its own, so that other programs' files in
 * {@code /tmp} do not count.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ArgFileIT {
  @TempDir Path tmp;

  @Test
  void aKill9OfTheMasterWhileItsWorkersStartLeavesNoArgFile() throws Exception {
    String marker = UUID.randomUUID().toString();
    Process master = startMaster(tmp, marker, List.of());
    try {
      List<Path> seen = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (LiveWorkers.withMarker(marker).isEmpty() && master.isAlive()
          && System.nanoTime() < deadline) {
        seen.addAll(argFiles(tmp));
      }
      assertThat(LiveWorkers.withMarker(marker)).as("worker JVMs being started").isNotEmpty();
      master.destroyForcibly(); // SIGKILL, before its workers have connected
      assertThat(master.waitFor(10, TimeUnit.SECONDS)).isTrue();
      seen.addAll(argFiles(tmp));
      assertThat(seen).as("@argfiles made for the workers").isEmpty();
    } finally {
      master.destroyForcibly();
      LiveWorkers.withMarker(marker).forEach(
          pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void aLongClassPathsArgFileIsOwnerOnlyAndGoneOnceTheWorkersRunNorLeftByAKill9()
      throws Exception {
    String marker = UUID.randomUUID().toString();
    // every class path counts as too long for the environment
    Process master = startMaster(tmp, marker,
        List.of("-D" + WorkerLauncher.ENV_CLASS_PATH_MAX + "=0"));
    try {
      String mode = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (mode == null && master.isAlive() && System.nanoTime() < deadline) {
        for (Path f : argFiles(tmp)) {
          try {
            mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
          } catch (NoSuchFileException gone) {
            // read and deleted meanwhile: the next one
          }
        }
      }
      assertThat(mode).as("the mode of an @argfile while its worker starts")
          .isEqualTo("rw-------");
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

  private static Process startMaster(Path tmp, String marker, List<String> options)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.addAll(options);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(PoolMaster.class.getName());
    cmd.add(marker);
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.environment().remove("CLASSPATH");
    return b.start();
  }

  /** Returns once the master printed its workers' pids: all of them connected and are ready. */
  private static void awaitWorkers(Process master) throws IOException {
    BufferedReader out = new BufferedReader(
        new InputStreamReader(master.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PIDS [")) {
        Drain.inBackground(out);
        return;
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("the master exited before starting its pool:\n" + seen);
  }
}

package io.starmap.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.core.MemoryLimitExceededException;
import io.starmap.core.Starmap;
import io.starmap.core.TaskFailedException;
import io.starmap.core.WorkerLostException;
import io.starmap.core.processes.ProcessPoolInfo;
import io.starmap.core.processes.ProcessPools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Workers that die, grow too big or are recycled: the run always ends, nothing is left. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerFailuresIT {

  @AfterAll
  static void stopPools() {
    ProcessPools.shutdown();
  }

  private static ProcessPoolInfo pool(String marker) {
    return ProcessPools.pools().stream()
        .filter(p -> p.options().getOrDefault("jvmOptions", "").contains(marker))
        .findFirst().orElseThrow();
  }

  @Test
  void aWorkerKilledMidTaskFailsTheRunNamingItsPidAndTask(@TempDir Path dir) throws Exception {
    String marker = UUID.randomUUID().toString();
    String jvm = "-Dstarmap.test.marker=" + marker;
    String folder = dir.toString();
    Starmap<Integer, Integer> sleepy = Starmap.<Integer, Integer>builder("sleepy", (x, ctx) -> {
      Files.writeString(Path.of(folder, x + ".pid"), Long.toString(ProcessHandle.current().pid()));
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        Files.writeString(Path.of(folder, "interrupted-" + x), "");
        throw e;
      }
      return x;
    }).executor("processes").workers(2).option("jvmOptions", jvm).build();
    Thread killer = new Thread(() -> {
      try {
        Path first = dir.resolve("0.pid");
        Path second = dir.resolve("1.pid");
        while (!Files.exists(first) || !Files.exists(second)
            || Files.readString(first).isEmpty()) {
          Thread.sleep(20);
        }
        long pid = Long.parseLong(Files.readString(first).trim());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    killer.start();
    assertThatThrownBy(() -> sleepy.reduce(List.of(0, 1), 0, Integer::sum))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("sleepy#0")
        .cause().isInstanceOf(WorkerLostException.class)
        .hasMessageContaining("pid " + Files.readString(dir.resolve("0.pid")).trim())
        .hasMessageContaining("task sleepy#0")
        .hasMessageContaining("SIGKILL");
    killer.join();
    long killedPid = Long.parseLong(Files.readString(dir.resolve("0.pid")).trim());
    assertThat(LiveWorkers.alive(killedPid)).isFalse();
    // The other worker's task was interrupted (and the worker killed if it had not stopped within
    // 2 s); the lost worker is replaced.
    awaitFile(dir.resolve("interrupted-1"));
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline && (pool(marker).workerPids().size() < 2
        || pool(marker).workerPids().contains(killedPid))) {
      Thread.sleep(50);
    }
    assertThat(pool(marker).workerPids()).hasSize(2).doesNotContain(killedPid);
    // and the pool still works
    Starmap<Integer, Integer> quick = Starmap.<Integer, Integer>builder("quick",
        (x, ctx) -> x + 1).executor("processes").workers(2).option("jvmOptions", jvm).build();
    assertThat(quick.reduce(List.of(1, 2, 3), 0, Integer::sum)).isEqualTo(9);
    ProcessPools.shutdown();
    assertThat(LiveWorkers.withMarker(marker)).isEmpty();
  }

  @Test
  void aWorkerThatCallsSystemExitIsReportedLost() {
    String marker = UUID.randomUUID().toString();
    Starmap<Integer, Integer> exiting = Starmap.<Integer, Integer>builder("exiting", (x, ctx) -> {
      if (x == 2) {
        System.exit(42);
      }
      return x;
    }).executor("processes").workers(1)
        .option("jvmOptions", "-Dstarmap.test.marker=" + marker).build();
    assertThatThrownBy(() -> exiting.reduce(List.of(1, 2, 3), 0, Integer::sum))
        .isInstanceOf(TaskFailedException.class)
        .cause().isInstanceOf(WorkerLostException.class)
        .hasMessageContaining("task exiting#1")
        .hasMessageContaining("exited with code 42");
  }

  @Test
  void aWorkerAboveItsMemoryLimitFailsTheTaskAndIsReplaced() throws Exception {
    String marker = UUID.randomUUID().toString();
    Starmap<Integer, Integer> hungry = Starmap.<Integer, Integer>builder("hungry", (mb, ctx) -> {
      byte[] block = new byte[mb * 1024 * 1024];
      Arrays.fill(block, (byte) 1);
      Thread.sleep(1_000); // the guard samples while the task runs
      return block.length / 1024 / 1024;
    }).executor("processes").workers(1)
        .option("jvmOptions", "-Xmx1g -Dstarmap.test.marker=" + marker)
        .option("memoryLimitMb", "200").build();
    assertThat(hungry.reduce(List.of(1), 0, Integer::sum)).isEqualTo(1);
    List<Long> before = pool(marker).workerPids();
    Starmap<Integer, Integer> run = hungry;
    assertThatThrownBy(() -> run.reduce(List.of(300), 0, Integer::sum))
        .isInstanceOf(TaskFailedException.class)
        .cause().isInstanceOf(MemoryLimitExceededException.class)
        .hasMessageContaining("hungry#0")
        .hasMessageContaining("above its limit of")
        .hasMessageContaining("memoryLimitMb");
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline && (pool(marker).workerPids().size() != 1
        || pool(marker).workerPids().containsAll(before))) {
      Thread.sleep(50);
    }
    assertThat(pool(marker).workerPids()).hasSize(1).doesNotContainAnyElementsOf(before);
    assertThat(pool(marker).workersReplaced()).isEqualTo(1);
    assertThat(hungry.reduce(List.of(2), 0, Integer::sum)).isEqualTo(2);
  }

  @Test
  void maxTasksPerWorkerRecyclesWorkers() {
    Starmap<Integer, Long> pid = Starmap.<Integer, Long>builder("pid",
        (x, ctx) -> ProcessHandle.current().pid()).executor("processes").workers(1)
        .option("maxTasksPerWorker", "3").option("pipelineDepth", "2").build();
    List<Long> pids = new ArrayList<>();
    pid.submit(IntStream.range(0, 9).boxed().toList()).forEach(o -> pids.add(o.value()));
    assertThat(pids).hasSize(9);
    assertThat(pids.stream().distinct().count()).isEqualTo(3);
  }

  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!Files.exists(file)) {
      assertThat(System.nanoTime()).as("waiting for " + file).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}

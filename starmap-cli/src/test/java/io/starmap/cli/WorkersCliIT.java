package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.core.Outcome;
import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.Task;
import io.starmap.core.TaskContext;
import io.starmap.hazelcast.LocalWorkers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code starmap workers start|status|stop} and the {@code cluster} executor finding the local
 * workers by itself, in a temporary STARMAP_HOME, on loopback.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class WorkersCliIT {
  @TempDir static Path home;
  @RegisterExtension static final TempHome USE_HOME = TempHome.wholeClass(() -> home);

  /** Returns the pid of the JVM that ran it. */
  static final class Pid implements Task<Integer, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long call(Integer x, TaskContext<Integer> ctx) {
      return ProcessHandle.current().pid();
    }
  }

  @AfterAll
  static void stopWhatRunsInTheHome() {
    Cli.run("workers", "stop");
    Cli.run("db", "stop", "--force");
  }

  @Test
  void startRunStatusStop() throws Exception {
    int port = twoFreePorts();
    Cli.Result start = Cli.run("workers", "start", "--count", "2", "--port",
        Integer.toString(port), "--cluster", "starmap-cli-test-" + UUID.randomUUID(),
        "--threads", "1", "--heap", "256m", "--format", "csv");
    assertThat(start.code()).as(start.err()).isZero();
    assertThat(start.out().lines().filter(l -> l.contains(",ok,"))).hasSize(2);
    Path dir = home.resolve("workers");
    List<LocalWorkers.Member> members = LocalWorkers.members(dir);
    assertThat(members).hasSize(2).allSatisfy(m -> {
      assertThat(m.alive()).isTrue();
      assertThat(ProcessHandle.of(m.pid()).orElseThrow().info().commandLine().orElse(""))
          .contains("starmap.worker");
    });
    assertThat(LocalWorkers.readCluster(dir)).isPresent();

    // The cluster executor finds them with no option at all.
    Starmap<Integer, Long> sm = Starmap.builder("pid", new Pid()).executor("cluster").build();
    List<Outcome<Long>> outcomes = new ArrayList<>();
    try (Run<Long> run = sm.submit(List.of(1, 2, 3, 4, 5, 6, 7, 8))) {
      run.forEach(outcomes::add);
    }
    Set<Long> pids = members.stream().map(LocalWorkers.Member::pid).collect(Collectors.toSet());
    assertThat(outcomes).hasSize(8).allSatisfy(o -> assertThat(pids).contains(o.get()));
    assertThat(outcomes).allSatisfy(o ->
        assertThat(o.metrics().workerId()).endsWith(":" + o.get()));

    // The importer on the cluster: every task shows the member that ran it.
    Path data = java.nio.file.Files.createDirectories(home.resolve("data"));
    for (int f = 0; f < 4; f++) {
      StringBuilder csv = new StringBuilder("id,name\n");
      for (int i = 0; i < 1000; i++) {
        csv.append(f * 1000 + i).append(",n").append(i).append('\n');
      }
      java.nio.file.Files.writeString(data.resolve("part" + f + ".csv"), csv);
    }
    Cli.Result imported = Cli.run("import", data.toString(), "--table", "clustered", "--create",
        "id int, name text", "--executor", "cluster", "--task-size", "1", "--format", "csv");
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).contains(",4000,");
    Cli.Result tasks = Cli.run("show", "tasks", "last", "--format", "csv");
    assertThat(tasks.code()).as(tasks.err()).isZero();
    List<String> rows = tasks.out().lines().skip(1).toList();
    assertThat(rows).isNotEmpty().allSatisfy(row -> assertThat(pids.stream()
        .anyMatch(p -> row.contains(":" + p + ","))).as(row).isTrue());

    Cli.Result status = Cli.run("workers", "status", "--format", "csv");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).startsWith("member,worker,pid,version,state,cores,threads,running,"
        + "completed,heap_used,heap_max,uptime_s");
    assertThat(status.out().lines().filter(l -> l.contains(",ok,"))).hasSize(2);

    Cli.Result again = Cli.run("workers", "start", "--count", "1");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("already run");

    Cli.Result stop = Cli.run("workers", "stop", "--format", "csv");
    assertThat(stop.code()).as(stop.err()).isZero();
    assertThat(stop.out().lines().filter(l -> l.endsWith(",stopped"))).hasSize(2);
    assertThat(members).allSatisfy(m -> assertThat(m.alive()).isFalse());
    assertThat(LocalWorkers.members(dir)).isEmpty();
  }

  @Test
  void aWorkerWithoutASecretSaysHowToGiveOne() {
    WorkerCommand worker = new WorkerCommand();
    worker.env = java.util.Map.of("STARMAP_HOME", home.resolve("nowhere").toString());
    System.clearProperty("starmap.home");
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(worker::settings)
          .isInstanceOf(UserException.class).hasMessageContaining("STARMAP_CLUSTER_SECRET")
          .hasMessageContaining("--secret-file");
    } finally {
      System.setProperty("starmap.home", home.toString());
    }
  }

  static int twoFreePorts() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        p = s.getLocalPort();
      }
      if (p < 65535) {
        try (ServerSocket s = new ServerSocket(p + 1, 1, InetAddress.getLoopbackAddress())) {
          return p;
        } catch (IOException taken) {
          // try another
        }
      }
    }
    throw new IOException("no two consecutive free ports");
  }
}

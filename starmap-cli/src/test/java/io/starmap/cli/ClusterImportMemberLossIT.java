package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.hazelcast.ClusterExecutor;
import io.starmap.hazelcast.ClusterSettings;
import io.starmap.hazelcast.LocalWorkers;
import io.starmap.hazelcast.MemberStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member killed with SIGKILL in the middle of {@code starmap import --executor cluster}: the
 * import's tasks are idempotent, so the lost ones run again on the other member and every row is
 * loaded exactly once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterImportMemberLossIT {
  @TempDir static Path home;
  @RegisterExtension static final TempHome USE_HOME = TempHome.wholeClass(() -> home);

  @AfterAll
  static void stopWhatRunsInTheHome() {
    Cli.run("workers", "stop");
    Cli.run("db", "stop", "--force");
  }

  @Test
  void aKilledMemberLosesNoRowAndLoadsNoneTwice() throws Exception {
    int files = 24;
    int rowsPerFile = 60_000;
    Path data = Files.createDirectories(home.resolve("data"));
    for (int f = 0; f < files; f++) {
      StringBuilder csv = new StringBuilder(rowsPerFile * 24);
      for (int i = 0; i < rowsPerFile; i++) {
        csv.append(f).append(',').append(i).append(",row ").append(i).append('\n');
      }
      Files.writeString(data.resolve("part" + f + ".csv"), csv);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Cli.Result start = Cli.run("workers", "start", "--count", "2", "--port",
        Integer.toString(port), "--cluster", "starmap-loss-" + UUID.randomUUID(), "--threads",
        "1", "--heap", "256m");
    assertThat(start.code()).as(start.err()).isZero();
    Cli.Result db = Cli.run("db", "start");
    assertThat(db.code()).as(db.err()).isZero();

    Path dir = home.resolve("workers");
    LocalWorkers.Cluster cluster = LocalWorkers.readCluster(dir).orElseThrow();
    ClusterSettings settings = ClusterSettings.of(cluster.name(), cluster.join(),
        cluster.secret());
    // Kill the member that runs a task once a few tasks have completed.
    ClusterExecutor watcher = ClusterExecutor.connect(settings.withMinMembers(2));
    CompletableFuture<Long> killed = CompletableFuture.supplyAsync(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline) {
        List<MemberStatus> members = watcher.members();
        long completed = members.stream().mapToLong(MemberStatus::completed).sum();
        for (MemberStatus m : members) {
          if (completed >= 1 && m.running() > 0) {
            long pid = Long.parseLong(m.workerId().substring(m.workerId().lastIndexOf(':') + 1));
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            return pid;
          }
        }
      }
      return -1L;
    });
    Cli.Result imported = Cli.run("import", data.toString(), "--table", "lossy", "--create",
        "f int, i int, s text", "--header", "no", "--executor", "cluster", "--task-size", "1",
        "--format", "csv");
    long pid = killed.get(150, TimeUnit.SECONDS);
    watcher.close();
    assertThat(pid).as("a member was killed while it ran a task").isPositive();
    assertThat(imported.code()).as(imported.out() + imported.err()).isZero();
    Cli.Result count = Cli.run("sql", "select count(*) as n, count(distinct (f, i)) as d from lossy",
        "--format", "csv");
    assertThat(count.out().lines().skip(1).findFirst().orElseThrow())
        .isEqualTo(files * rowsPerFile + "," + files * rowsPerFile);
    // Each task is recorded once, with the member that completed it. The killed member may have
    // completed tasks before it died (they are its own, rightly); what it was running when it
    // died ran again on the survivor, so the survivor has records too.
    Cli.Result tasks = Cli.run("show", "tasks", "last", "--format", "csv");
    List<String> rows = tasks.out().lines().skip(1).toList();
    assertThat(rows).isNotEmpty().allMatch(r -> r.endsWith(",succeeded"));
    assertThat(rows).anyMatch(r -> !r.contains(":" + pid + ","));
    assertThat(rows.stream().map(r -> r.split(",")[1]).distinct().count())
        .isEqualTo(rows.size());
  }
}

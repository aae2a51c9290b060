package io.starmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.hazelcast.LocalWorkers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@link ClusterExample} as its Javadoc says: {@code starmap workers start}, the example,
 * {@code starmap workers stop}, each a JVM of its own with one {@code STARMAP_HOME}. One member
 * with two threads keeps it short; the example finds the cluster through the workers' record.
 */
class ClusterExampleIT {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Jvm.Paths.class)
  void theSameTaskRunsOnTheLocalWorkers(Jvm.Paths paths) throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    // the home property, which the tests' JVM is given, wins over the map's STARMAP_HOME
    String homeBefore = System.setProperty("starmap.home", home.toString());
    Path workers = LocalWorkers.directory(Map.of("STARMAP_HOME", home.toString()));
    restore(homeBefore);
    try {
      // The members' class path is this JVM's: it holds the examples' classes (the task).
      Jvm.Result start = Jvm.run(home, Duration.ofMinutes(3), Jvm.CLI, "workers", "start",
          "--count", "1", "--threads", "2", "--port", Integer.toString(freePort()),
          "--heap", "256m", "--cluster", "starmap-examples-" + UUID.randomUUID());
      assertThat(start.exit()).as(start.output()).isZero();
      List<LocalWorkers.Member> members = LocalWorkers.members(workers);
      assertThat(members).hasSize(1);
      long memberPid = members.get(0).pid();

      Jvm.Result r = Jvm.run(paths, home, Duration.ofMinutes(2), ClusterExample.class.getName());
      ExamplesIT.assertQuiet(r);
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(r.output()).contains(ExamplesIT.SUMS).contains("executor=cluster workers=2");
      // every task ran in the member's JVM, none in the example's
      assertThat(r.output()).containsPattern("ran on \\[[^\\]]*:" + memberPid + "\\b")
          .doesNotContainPattern("ran on \\[[^\\]]*:" + r.pid() + "\\b");
      assertThat(ExamplesIT.tasksPerWorker(r.output())).isEqualTo(1000);
    } finally {
      Jvm.Result stop = Jvm.run(home, Duration.ofMinutes(1), Jvm.CLI, "workers", "stop");
      for (LocalWorkers.Member m : LocalWorkers.members(workers)) {
        ProcessHandle.of(m.pid()).ifPresent(ProcessHandle::destroyForcibly); // if stop failed
      }
      assertThat(stop.exit()).as(stop.output()).isZero();
    }
  }

  private static void restore(String homeBefore) {
    if (homeBefore == null) {
      System.clearProperty("starmap.home");
    } else {
      System.setProperty("starmap.home", homeBefore);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}

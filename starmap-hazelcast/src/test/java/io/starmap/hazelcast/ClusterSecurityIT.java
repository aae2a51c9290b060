package io.starmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.core.Outcome;
import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.StarmapException;
import io.starmap.core.Task;
import io.starmap.core.internal.Host;
import io.starmap.hazelcast.internal.StarmapVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One cluster of three member JVMs: one good, one started with another secret, one running
 * another Starmap version. The master uses the good one only and says why it refuses the others.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterSecurityIT {
  private static MemberProcesses members;
  private static long good;
  private static long otherVersion;

  /** Returns the pid of the member that ran it. */
  static final class Pid implements Task<Integer, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long call(Integer x, io.starmap.core.TaskContext<Integer> ctx) {
      return ProcessHandle.current().pid();
    }
  }

  /** Sleeps a little, so that every slot gets tasks, and returns the pid of its JVM. */
  static final class SlowPid implements Task<Integer, Long> {
    private static final long serialVersionUID = 1L;

    @Override
    public Long call(Integer x, io.starmap.core.TaskContext<Integer> ctx) throws Exception {
      Thread.sleep(50);
      return ProcessHandle.current().pid();
    }
  }

  @BeforeAll
  static void startMembers() throws Exception {
    members = new MemberProcesses();
    good = members.startOne(1, MemberProcesses.SECRET, null).pid();
    members.startOne(1, "another-secret-entirely", null);
    otherVersion = members.startOne(1, MemberProcesses.SECRET, "9.9.9").pid();
    // Wait until the three have joined: the status view lists every data member.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ClusterExecutor.status(members.settings(1)).size() < 3) {
      assertThat(System.nanoTime()).as("3 members joined").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stopMembers() {
    if (members != null) {
      members.close();
    }
  }

  @Test
  void tasksRunOnlyOnTheMemberWithTheSecretAndTheVersion() {
    try (ClusterExecutor executor = ClusterExecutor.connect(members.settings(1))) {
      assertThat(executor.usableMembers()).singleElement().asString()
          .contains(Host.NAME + ":" + good);
      Starmap<Integer, Long> sm = Starmap.builder("pid", new Pid()).executor(executor).build();
      List<Outcome<Long>> outcomes = new ArrayList<>();
      try (Run<Long> run = sm.submit(List.of(1, 2, 3, 4, 5, 6))) {
        run.forEach(outcomes::add);
      }
      assertThat(outcomes).hasSize(6).allSatisfy(o -> {
        assertThat(o.get()).isEqualTo(good);
        assertThat(o.metrics().workerId()).isEqualTo(Host.NAME + ":" + good);
        assertThat(o.metrics().bytesSent()).isPositive();
        assertThat(o.metrics().bytesReceived()).isPositive();
      });
    }
  }

  @Test
  void withIncludeMasterTheMasterRunsTasksOnItsOwnThreadsToo() {
    int cores = Runtime.getRuntime().availableProcessors();
    try (ClusterExecutor executor = ClusterExecutor.connect(members.settings(1)
        .withIncludeMaster(true))) {
      assertThat(executor.workers()).isEqualTo(1 + cores);
      Starmap<Integer, Long> sm = Starmap.builder("slowPid", new SlowPid()).executor(executor)
          .build();
      List<Outcome<Long>> outcomes = new ArrayList<>();
      try (Run<Long> run = sm.submit(java.util.stream.IntStream.range(0, 40).boxed().toList())) {
        run.forEach(outcomes::add);
      }
      long master = ProcessHandle.current().pid();
      assertThat(outcomes).hasSize(40).extracting(Outcome::get).containsOnly(master, good)
          .contains(master, good);
      assertThat(outcomes).filteredOn(o -> o.get() == master).allSatisfy(o ->
          assertThat(o.metrics().workerId()).startsWith(Host.NAME + ":" + master + "/"));
    }
  }

  @Test
  void waitingForMoreMembersFailsAtOnceNamingEachRefusedMemberAndWhy() {
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> ClusterExecutor.connect(members.settings(2)))
        .isInstanceOf(StarmapException.class)
        .hasMessageContaining("has 1 usable member(s), 2 needed")
        // Its attributes are sealed with its own secret: it is named by its address only.
        .hasMessageContaining("member 127.0.0.1:" + members.ports.get(1) + " was refused: it was"
            + " started with another cluster secret")
        .hasMessageContaining(Host.NAME + ":" + otherVersion + ") was refused: it runs Starmap"
            + " 9.9.9 and this master runs Starmap " + StarmapVersion.current());
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no wait for the 60 s timeout")
        .isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aMasterWithAnotherSecretIsRefusedByEveryMember() {
    ClusterSettings wrong = ClusterSettings.of(members.cluster, members.settings(1).join(),
        "not-the-cluster-secret").withWait(Duration.ofSeconds(10));
    assertThatThrownBy(() -> ClusterExecutor.connect(wrong))
        .isInstanceOf(StarmapException.class)
        .hasMessageContaining("has 0 usable member(s)")
        .hasMessageContaining("member 127.0.0.1:" + members.ports.get(0) + " was refused: it was"
            + " started with another cluster secret")
        .as("the worker id is sealed with the secret").message()
        .doesNotContain(Host.NAME + ":" + good);
  }

  @Test
  void statusListsEveryMemberWithItsStateCoresAndMemory() {
    List<MemberStatus> status = ClusterExecutor.status(members.settings(1));
    assertThat(status).hasSize(3);
    MemberStatus ok = status.stream().filter(MemberStatus::usable).findFirst().orElseThrow();
    assertThat(ok.workerId()).isEqualTo(Host.NAME + ":" + good);
    assertThat(ok.cores()).isPositive();
    assertThat(ok.threads()).isEqualTo(1);
    assertThat(ok.heapMaxBytes()).isPositive();
    assertThat(ok.version()).isEqualTo(StarmapVersion.current());
    assertThat(status).filteredOn(s -> !s.usable()).extracting(MemberStatus::state)
        .anySatisfy(s -> assertThat(s).contains("another cluster secret"))
        .anySatisfy(s -> assertThat(s).contains("runs Starmap 9.9.9"));
  }
}

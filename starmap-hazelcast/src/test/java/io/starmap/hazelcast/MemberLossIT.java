package io.starmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.core.FailurePolicy;
import io.starmap.core.Idempotent;
import io.starmap.core.Outcome;
import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.Task;
import io.starmap.core.TaskContext;
import io.starmap.core.WorkerLostException;
import io.starmap.core.internal.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A member killed with SIGKILL while it runs tasks, on 2 member JVMs of 2 threads. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MemberLossIT {
  @TempDir Path dir;
  private MemberProcesses members;
  private ClusterExecutor executor;

  /** Leaves {@code started-<x>-<pid>}, sleeps, returns the pid of the member that ran it. */
  static class Blocking implements Task<Integer, Long> {
    private static final long serialVersionUID = 1L;
    private final String dir;

    Blocking(Path dir) {
      this.dir = dir.toString();
    }

    @Override
    public Long call(Integer x, TaskContext<Integer> ctx) throws Exception {
      long pid = ProcessHandle.current().pid();
      Files.writeString(Path.of(dir, "started-" + x + "-" + pid), "");
      Thread.sleep(3000);
      return pid;
    }
  }

  /** The same task, declared safe to run twice. */
  static final class IdempotentBlocking extends Blocking implements Idempotent {
    private static final long serialVersionUID = 1L;

    IdempotentBlocking(Path dir) {
      super(dir);
    }
  }

  @BeforeEach
  void start() {
    members = new MemberProcesses().start(2, 2);
    executor = ClusterExecutor.connect(members.settings(2));
  }

  @AfterEach
  void stop() {
    if (executor != null) {
      executor.close();
    }
    members.close();
  }

  @Test
  void anIdempotentTaskRunsAgainOnceOnAnotherMemberAndTheRunCompletesExactlyOnce()
      throws Exception {
    Starmap<Integer, Long> sm = Starmap.builder("block", (Task<Integer, Long>)
        new IdempotentBlocking(dir)).executor(executor).build();
    List<Outcome<Long>> outcomes = new ArrayList<>();
    long killed = runKillingAMember(sm, outcomes);
    assertThat(outcomes).hasSize(4).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
    assertThat(outcomes.stream().map(Outcome::taskNo).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
    long survivor = survivorPid(killed);
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.get()).isEqualTo(survivor);
      assertThat(o.metrics().workerId()).isEqualTo(Host.NAME + ":" + survivor);
    });
    // The two tasks of the killed member started twice: once there, once on the survivor.
    List<String> started = markers();
    assertThat(started.stream().filter(m -> m.endsWith("-" + killed))).hasSize(2);
    assertThat(started.stream().filter(m -> m.endsWith("-" + survivor))).hasSize(4);
  }

  @Test
  void anyOtherTaskFailsWithAWorkerLostExceptionNamingTheMember() throws Exception {
    Starmap<Integer, Long> sm = Starmap.builder("block", (Task<Integer, Long>) new Blocking(dir))
        .executor(executor).failurePolicy(FailurePolicy.COLLECT_ALL).build();
    List<Outcome<Long>> outcomes = new ArrayList<>();
    long killed = runKillingAMember(sm, outcomes);
    assertThat(outcomes).hasSize(4);
    List<Outcome<Long>> failed = outcomes.stream().filter(o -> !o.succeeded()).toList();
    assertThat(failed).hasSize(2).allSatisfy(o -> {
      assertThat(o.failure().getCause()).isInstanceOf(WorkerLostException.class)
          .hasMessageContaining(Host.NAME + ":" + killed)
          .hasMessageContaining("left cluster")
          .hasMessageContaining("not idempotent");
      assertThat(o.metrics().workerId()).isEqualTo(Host.NAME + ":" + killed);
    });
    assertThat(markers()).hasSize(4); // nothing ran twice
  }

  /** Runs four tasks, kills a member once all have started; returns the killed member's pid. */
  private long runKillingAMember(Starmap<Integer, Long> sm, List<Outcome<Long>> outcomes)
      throws Exception {
    try (Run<Long> run = sm.submit(List.of(0, 1, 2, 3))) {
      var killer = java.util.concurrent.CompletableFuture.supplyAsync(
          () -> killAMemberOnceAllStarted(4));
      run.forEach(outcomes::add);
      return killer.get(60, TimeUnit.SECONDS);
    }
  }

  private long killAMemberOnceAllStarted(int n) {
    try {
      return kill(n);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private long kill(int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (markers().size() < n) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not all tasks started: " + markers());
      }
      Thread.sleep(20);
    }
    String first = markers().get(0);
    long pid = Long.parseLong(first.substring(first.lastIndexOf('-') + 1));
    Process victim = members.processes.stream().filter(p -> p.pid() == pid).findFirst()
        .orElseThrow();
    victim.destroyForcibly();
    victim.waitFor(10, TimeUnit.SECONDS);
    return pid;
  }

  private long survivorPid(long killed) {
    return members.processes.stream().mapToLong(Process::pid).filter(p -> p != killed)
        .findFirst().orElseThrow();
  }

  private List<String> markers() throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("started-"))
          .sorted().toList();
    }
  }

}

package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.Task;
import io.starmap.core.TaskContext;
import io.starmap.core.TaskFailedException;
import io.starmap.hazelcast.SlurmJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code starmap workers start --launcher slurm} against a real single-node Slurm
 * ({@code bin/lib/slurm-local.sh}: munged, slurmctld, slurmd), the CLI in child JVMs as a user
 * runs it: the members run as one job's tasks, an import runs on them, a {@code scancel} by hand
 * is reported with Slurm's state at once, and {@code workers stop} cancels and waits.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SlurmWorkersIT {
  @TempDir static Path home;
  @RegisterExtension static final TempHome USE_HOME = TempHome.wholeClass(() -> home);
  static String secret;

  /** Marks that it started, then sleeps: a task that runs when its member's job ends. */
  static final class Sleepy implements Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    private final String marks;

    Sleepy(Path marks) {
      this.marks = marks.toString();
    }

    @Override
    public Integer call(Integer x, TaskContext<Integer> ctx) throws Exception {
      Files.writeString(Path.of(marks, "started-" + x), "");
      Thread.sleep(120_000);
      return x;
    }
  }

  @BeforeAll
  static void slurm() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "the single-node Slurm cluster runs its daemons as root; these tests run as "
            + System.getProperty("user.name"));
    Result started = run(List.of("bash", Path.of("..", "bin", "lib", "slurm-local.sh")
        .toAbsolutePath().normalize().toString(), "start"), Map.of(), 120);
    assertThat(started.code()).as(started.out()).isZero();
    byte[] b = new byte[24];
    ThreadLocalRandom.current().nextBytes(b);
    secret = "slurm-it-" + HexFormat.of().formatHex(b);
  }

  @AfterEach
  void stopTheJob() throws Exception {
    starmap("workers", "stop"); // whatever the test left running
  }

  @AfterAll
  static void stopTheDatabase() throws Exception {
    if (secret != null) {
      starmap("db", "stop", "--force");
    }
  }

  @Test
  void membersRunAsAJobAndItsEndIsReportedNotAwaited() throws Exception {
    Result start = starmap("workers", "start", "--launcher", "slurm", "--count", "2",
        "--port", Integer.toString(WorkersCliIT.twoFreePorts()), "--cluster",
        "slurm-it-" + UUID.randomUUID(), "--heap", "256m",
        "--format", "csv");
    assertThat(start.code()).as(start.out()).isZero();
    assertThat(start.out().lines().filter(l -> l.contains(",ok,"))).as(start.out()).hasSize(2);
    Path dir = home.resolve("workers");
    String job = SlurmJob.recorded(dir).orElseThrow();

    Result status = starmap("workers", "status", "--format", "csv");
    assertThat(status.code()).as(status.out()).isZero();
    List<String> rows = status.out().lines().filter(l -> l.startsWith(job + ",RUNNING,"))
        .filter(l -> l.contains(",ok,")).toList();
    assertThat(rows).as(status.out()).hasSize(2);
    List<Long> pids = rows.stream().map(r -> Long.parseLong(r.split(",")[4].split(":")[1]))
        .toList();
    assertThat(pids).allSatisfy(p -> assertThat(ProcessHandle.of(p)).isPresent());

    secretIsNowhereToBeRead(dir, job);

    // a real import on the members: every task ran on one of the job's members
    Path data = Files.createDirectories(home.resolve("data"));
    for (int f = 0; f < 4; f++) {
      StringBuilder csv = new StringBuilder("id,name\n");
      for (int i = 0; i < 500; i++) {
        csv.append(f * 500 + i).append(",n").append(i).append('\n');
      }
      Files.writeString(data.resolve("part" + f + ".csv"), csv);
    }
    Result imported = starmap("import", data.toString(), "--table", "on_slurm", "--create",
        "id int, name text", "--executor", "cluster", "--format", "csv");
    assertThat(imported.code()).as(imported.out()).isZero();
    assertThat(imported.out()).contains(",2000,");
    Result tasks = starmap("show", "tasks", "last", "--format", "csv");
    List<String> taskRows = tasks.out().lines().filter(l -> l.contains(",import,")).toList();
    assertThat(taskRows).as(tasks.out()).isNotEmpty().allSatisfy(row -> assertThat(
        pids.stream().anyMatch(p -> row.contains(":" + p + ","))).as(row).isTrue());

    // a library run in flight on both members (the master in this JVM finds them by itself)
    Path marks = Files.createDirectories(home.resolve("marks"));
    Starmap<Integer, Integer> sleepy = Starmap.builder("sleepy", new Sleepy(marks))
        .executor("cluster").build();
    ExecutorService master = Executors.newSingleThreadExecutor();
    Future<String> inFlight = master.submit(() -> {
      try (Run<Integer> r = sleepy.submit(List.of(1, 2))) {
        r.forEach(o -> { });
        return "the run completed";
      } catch (TaskFailedException e) {
        return messages(e);
      }
    });
    long waitStart = System.nanoTime();
    while (count(marks) < 2 && seconds(waitStart) < 60) {
      Thread.sleep(100);
    }
    assertThat(count(marks)).as("tasks started on the members").isEqualTo(2);

    // scancel by hand: the run in flight, status and the next cluster run say CANCELLED, promptly
    assertThat(run(List.of("scancel", job), Map.of(), 30).code()).isZero();
    long cancelled = System.nanoTime();
    String lost = inFlight.get(60, TimeUnit.SECONDS);
    double runFailed = seconds(cancelled);
    master.shutdown();
    assertThat(lost).contains("left cluster").contains("Slurm job " + job + ", which is CANCELLED");
    assertThat(runFailed).as("the run fails without waiting for the client to give up (30 s)")
        .isLessThan(20);
    Result after;
    do {
      after = starmap("workers", "status", "--format", "csv");
    } while (!after.out().contains(job + ",CANCELLED,") && seconds(cancelled) < 30);
    assertThat(after.out()).as(after.out()).contains(job + ",CANCELLED,")
        .contains("the job ended");
    long runStart = System.nanoTime();
    Result next = starmap("import", data.toString(), "--table", "after_cancel", "--create",
        "id int, name text", "--executor", "cluster");
    double took = seconds(runStart);
    assertThat(next.code()).as(next.out()).isNotZero();
    assertThat(next.out()).contains("Slurm job " + job).contains("CANCELLED");
    assertThat(took).as("the run fails at once, it does not wait for members").isLessThan(20);
    System.out.printf("SlurmWorkersIT: the run in flight failed %.1f s after scancel; status"
        + " showed CANCELLED %.1f s after it; the next cluster run failed in %.1f s%n", runFailed,
        seconds(cancelled) - took - runFailed, took);
    assertThat(pids).allSatisfy(p -> assertThat(gone(p, 30)).as("member pid " + p).isTrue());

    Result stop = starmap("workers", "stop", "--format", "csv");
    assertThat(stop.out()).as(stop.out()).contains(job + ",CANCELLED,").contains("had ended");
    assertThat(SlurmJob.recorded(dir)).isEmpty();
  }

  @Test
  void stopCancelsTheJobAndWaitsUntilTheMembersAreGone() throws Exception {
    Result start = starmap("workers", "start", "--launcher", "slurm", "--count", "1",
        "--port", Integer.toString(WorkersCliIT.twoFreePorts()), "--heap", "256m", "--format",
        "csv");
    assertThat(start.code()).as(start.out()).isZero();
    String job = SlurmJob.recorded(home.resolve("workers")).orElseThrow();
    long pid = Long.parseLong(start.out().lines().filter(l -> l.contains(",ok,")).findFirst()
        .orElseThrow().split(",")[1].split(":")[1]);
    // one cluster per workers directory: neither launcher starts another meanwhile
    for (String launcher : List.of("slurm", "local")) {
      Result again = starmap("workers", "start", "--launcher", launcher, "--count", "1");
      assertThat(again.code()).as(again.out()).isEqualTo(1);
      assertThat(again.out()).contains("Slurm job " + job + " of the workers is RUNNING");
    }
    Result stop = starmap("workers", "stop", "--format", "csv");
    assertThat(stop.code()).as(stop.out()).isZero();
    assertThat(stop.out()).contains(job + ",CANCELLED,").contains(",cancelled");
    // stop returned only once Slurm said the job ended: the member is gone already
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(SlurmJob.query(job).active()).isFalse();
  }

  @Test
  void aJobThatSlurmRefusesIsReportedInSlurmsWords() throws Exception {
    Result start = starmap("workers", "start", "--launcher", "slurm", "--count", "1",
        "--partition", "no-such-partition");
    assertThat(start.code()).as(start.out()).isEqualTo(1);
    assertThat(start.out()).contains("sbatch refused the job").contains("no-such-partition");
    assertThat(SlurmJob.recorded(home.resolve("workers"))).isEmpty();
  }

  /** The secret is on no command line, in no job script or environment Slurm keeps, and no
   *  file of the shared directory is readable by another user. */
  private static void secretIsNowhereToBeRead(Path dir, String job) throws Exception {
    List<String> cmdlines = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          cmdlines.add(new String(Files.readAllBytes(p.resolve("cmdline")),
              StandardCharsets.UTF_8));
        } catch (IOException gone) {
          // the process ended meanwhile
        }
      }
    }
    assertThat(cmdlines).anyMatch(c -> c.contains("starmap.worker=slurm"))
        .noneMatch(c -> c.contains(secret));
    Result script = run(List.of("scontrol", "write", "batch_script", job, "-"), Map.of(), 30);
    assertThat(script.out()).contains("srun").doesNotContain(secret);
    // the job's script and environment as slurmctld keeps them (bin/lib/slurm-local.sh's state)
    try (Stream<Path> state = Files.walk(Path.of("/var/lib/slurm/slurmctld"))) {
      List<Path> kept = state.filter(Files::isRegularFile).filter(f -> f.toString()
          .contains("job." + job + "/")).toList();
      assertThat(kept).extracting(f -> f.getFileName().toString())
          .contains("script", "environment");
      for (Path f : kept) {
        assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
            .doesNotContain(secret);
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
        assertThat(perms).as(f.toString()).doesNotContain(PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_READ);
      }
    }
    assertThat(Files.readString(dir.resolve("secret")).strip()).isEqualTo(secret);
    // another user tries to read them
    Result nobody = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "cat", dir.resolve("secret").toString(), dir.resolve("slurm-job.sh").toString()),
        Map.of(), 30);
    assertThat(nobody.code()).isNotZero();
    assertThat(nobody.out()).doesNotContain(secret).doesNotContain("srun");
  }

  private static long count(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }

  private static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append(" | ");
    }
    return sb.toString();
  }

  private static boolean gone(long pid, int seconds) throws InterruptedException {
    long start = System.nanoTime();
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      if (seconds(start) > seconds) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  record Result(int code, String out) {}

  /** The CLI in a JVM of its own, with the secret in its environment as a user would give it. */
  private static Result starmap(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    return run(cmd, Map.of("STARMAP_HOME", home.toString(), "STARMAP_CLUSTER_SECRET", secret),
        240);
  }

  private static Result run(List<String> cmd, Map<String, String> env, int seconds)
      throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("STARMAP_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("still running after " + seconds + " s: " + cmd);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}

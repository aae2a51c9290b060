package io.starmap.cli;

import io.starmap.core.StarmapException;
import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.hazelcast.ClusterExecutor;
import io.starmap.hazelcast.ClusterSettings;
import io.starmap.hazelcast.LocalWorkers;
import io.starmap.hazelcast.MemberStatus;
import io.starmap.hazelcast.SlurmJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code workers start|status|stop} for members run by Slurm: one job ({@code sbatch}) whose one
 * step ({@code srun}) runs the members on the allocated nodes. The cluster's record stays where
 * the local launcher keeps it ({@code $STARMAP_HOME/workers}), with the job id; the job's script,
 * a copy of the secret (owner-only) and the members' logs go to the shared directory, which every
 * node must see at the same path.
 */
final class SlurmLauncher {
  /** How long a job may stay pending before {@code workers start} gives up waiting for it. */
  private static final Duration PENDING = Duration.ofMinutes(5);

  private final Path dir;
  private final Path shared;
  private final Map<String, String> env;

  SlurmLauncher(Path dir, Path shared, Map<String, String> env) {
    this.dir = dir;
    this.shared = shared == null ? dir : shared.toAbsolutePath().normalize();
    this.env = env;
  }

  /** What {@code sbatch} is asked for, besides the script. */
  record Request(String cluster, int count, int port, int threads, List<String> sbatchArgs) {}

  /** Submits the job, waits until its members form the cluster, and returns their status. */
  List<MemberStatus> start(Request request, SlurmScript script, String secret) {
    try {
      OwnerOnly.createDirectories(shared);
      // the members read the secret here; the cluster's record below keeps the master's copy
      OwnerOnly.writeString(shared.resolve("secret"), secret + "\n");
      Files.deleteIfExists(shared.resolve(SlurmScript.JOIN));
      OwnerOnly.writeString(shared.resolve(SlurmScript.NAME), script.text());
    } catch (IOException e) {
      throw new UserException("cannot write the job's files in " + shared + ": " + e, e);
    }
    // a join list is known only once the job runs: until then the record names the first port
    LocalWorkers.writeCluster(dir, new LocalWorkers.Cluster(request.cluster(),
        List.of("127.0.0.1:" + request.port()), secret));
    String id = submit(request);
    SlurmJob.record(dir, id);
    return await(id, request);
  }

  private String submit(Request request) {
    // umask 077: the job's output and the members' logs, which may quote task data, are the
    // owner's only (Slurm gives the job the submitter's umask)
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
        "umask 077 && exec sbatch \"$@\"",
        "sbatch", "--parsable",
        "--job-name", "starmap-" + request.cluster(), "--ntasks", Integer.toString(request.count()),
        "--cpus-per-task", Integer.toString(request.threads()),
        "--output", shared.resolve("slurm-%j.out").toString(), "--open-mode", "append"));
    cmd.addAll(request.sbatchArgs());
    cmd.add(shared.resolve(SlurmScript.NAME).toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // the job's environment is the submitter's: no secret and no other cluster's settings in it
    pb.environment().keySet().removeIf(k -> k.startsWith("STARMAP_CLUSTER_"));
    String out;
    int code;
    try {
      Process p = pb.start();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      code = p.waitFor();
    } catch (IOException e) {
      throw new UserException("cannot run sbatch (is Slurm installed on this machine?): "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while submitting the job", e);
    }
    String id = out.lines().reduce((a, b) -> b).orElse("").split(";")[0].strip();
    if (code != 0 || !id.matches("\\d+(_\\d+)?")) {
      throw new UserException("sbatch refused the job (exit " + code + "): " + out);
    }
    return id;
  }

  private List<MemberStatus> await(String id, Request request) {
    long pendingUntil = System.nanoTime() + PENDING.toNanos();
    long runningSince = 0;
    StarmapException last = null;
    while (true) {
      SlurmJob job = SlurmJob.query(id);
      if (!job.active()) {
        throw new UserException("Slurm job " + id + " ended " + job.state() + " (reason: "
            + job.reason() + ") before its members formed the cluster: " + tail(id));
      }
      long now = System.nanoTime();
      if (!"RUNNING".equals(job.state())) {
        if (now > pendingUntil) {
          throw new UserException("Slurm job " + id + " is still " + job.state() + " (reason: "
              + job.reason() + ") after " + PENDING.toMinutes() + " min; 'starmap workers"
              + " status' shows when it runs, 'starmap workers stop' cancels it");
        }
      } else {
        runningSince = runningSince == 0 ? now : runningSince;
        if (now - runningSince > TimeUnit.SECONDS.toNanos(90)) {
          throw new UserException("the members of Slurm job " + id + " did not form a cluster"
              + " within 90 s" + (last == null ? "" : ": " + last.getMessage()) + "; see the"
              + " logs in " + shared);
        }
        try {
          List<MemberStatus> status = members(request.cluster(), request.count());
          if (status.stream().filter(MemberStatus::usable).count() >= request.count()) {
            return status;
          }
        } catch (StarmapException e) {
          last = e; // not listening yet
        }
      }
      sleep(500);
    }
  }

  /** The members, once the job wrote their addresses; the join list is recorded then. */
  private List<MemberStatus> members(String cluster, int count) {
    Path joinFile = shared.resolve(SlurmScript.JOIN);
    if (!Files.isRegularFile(joinFile)) {
      return List.of();
    }
    List<String> join;
    try {
      join = ClusterSettings.split(Files.readString(joinFile, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UserException("cannot read " + joinFile + ": " + e, e);
    }
    String secret = LocalWorkers.readCluster(dir).orElseThrow().secret();
    LocalWorkers.writeCluster(dir, new LocalWorkers.Cluster(cluster, join, secret));
    return ClusterExecutor.status(ClusterSettings.of(cluster, join, secret)
        .withMinMembers(count).withWait(Duration.ofSeconds(5)));
  }

  /** Fails when the job recorded in {@code dir} may still run members. */
  static void refuseActive(Path dir) {
    SlurmJob.recorded(dir).map(SlurmJob::query).filter(SlurmJob::active).ifPresent(j -> {
      throw new UserException("Slurm job " + j.id() + " of the workers is " + j.state()
          + "; 'starmap workers stop' it first");
    });
  }

  /** The job and, while it runs, its members. */
  Table status(String id) {
    SlurmJob job = SlurmJob.query(id);
    List<MemberStatus> members = List.of();
    String problem = null;
    if ("RUNNING".equals(job.state())) { // before, the record names no member yet
      try {
        members = ClusterExecutor.status(ClusterSettings.from(Map.of("waitSeconds", "5"), env));
      } catch (RuntimeException e) {
        problem = e.getMessage();
      }
    }
    Table t = Table.of("job", "job_state", "nodes", "member", "worker", "state", "threads",
        "running", "completed");
    for (MemberStatus m : members) {
      t.row(job.id(), job.state(), job.nodes(), m.address(), m.workerId(), m.state(),
          m.threads(), m.running(), m.completed());
    }
    if (members.isEmpty()) {
      t.row(job.id(), job.state(), job.nodes(), null, null, problem != null ? problem
          : job.active() ? "no member yet (reason: " + job.reason() + ")"
              : "no member: the job ended (reason: " + job.reason() + ")",
          null, null, null);
    }
    return t;
  }

  /** Cancels the job and waits until Slurm says it ended (its members are gone then). */
  Table stop(String id) {
    SlurmJob job = SlurmJob.query(id);
    String result;
    if (!job.active()) {
      result = "had ended";
    } else {
      run(List.of("scancel", id));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while ((job = SlurmJob.query(id)).active()) {
        if (System.nanoTime() > deadline) {
          throw new UserException("Slurm job " + id + " is still " + job.state()
              + " 120 s after scancel; see 'scontrol show job " + id + "'");
        }
        sleep(250);
      }
      result = "cancelled";
    }
    SlurmJob.forget(dir);
    return Table.of("job", "job_state", "nodes", "result").row(id, job.state(), job.nodes(),
        result);
  }

  private String tail(String id) {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.newDirectoryStream(shared, "*" + id + "*")) {
      for (Path f : files) {
        List<String> lines = Files.readAllLines(f);
        sb.append(f.getFileName()).append(": ").append(String.join(" | ",
            lines.subList(Math.max(0, lines.size() - 3), lines.size()))).append("; ");
      }
    } catch (IOException | RuntimeException e) {
      return "see " + shared;
    }
    return sb.isEmpty() ? "no output in " + shared : sb.toString();
  }

  private static void run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new UserException(cmd.get(0) + " failed: " + out.strip());
      }
    } catch (IOException e) {
      throw new UserException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while running " + cmd.get(0), e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserException("interrupted while waiting for the Slurm job", e);
    }
  }
}

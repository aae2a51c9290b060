package io.starmap.hazelcast;

import io.starmap.core.StarmapException;
import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The Slurm job whose steps run the members of a cluster, as {@code starmap workers start} with
 * the Slurm launcher recorded it in the workers directory ({@code slurm-job}, next to the
 * cluster's record), and its state as Slurm's {@code scontrol show job} gives it.
 *
 * <p>A job that ended (its time limit, a {@code scancel}, a node failure) takes its members with
 * it: the cluster executor then fails at once with the job's state instead of waiting for
 * members that will not come.
 *
 * @param id the job id
 * @param state Slurm's state of the job ({@code PENDING}, {@code RUNNING}, {@code CANCELLED},
 *     {@code TIMEOUT}, ...), or {@code UNKNOWN} once Slurm has forgotten it
 * @param nodes the nodes it runs or ran on, in Slurm's notation ({@code node[1-3]}); empty if none
 * @param reason Slurm's reason for the state ({@code None}, {@code Resources}, ...), or why the
 *     state is unknown
 */
public record SlurmJob(String id, String state, String nodes, String reason) {
  private static final String FILE = "slurm-job";
  private static final Set<String> ACTIVE = Set.of("PENDING", "CONFIGURING", "RUNNING",
      "SUSPENDED", "COMPLETING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING",
      "SIGNALING", "STAGE_OUT", "RESV_DEL_HOLD");

  /**
   * Whether the job may still run members: pending, running, suspended or completing.
   *
   * @return false once the job ended, whatever the way, or Slurm forgot it
   */
  public boolean active() {
    return ACTIVE.contains(state);
  }

  /**
   * The job recorded in the workers directory, if a Slurm launch recorded one.
   *
   * @param dir the workers directory, as {@link LocalWorkers#directory} gives it
   * @return the recorded job id, or empty
   * @throws UncheckedIOException naming the file when it exists but cannot be read
   */
  public static Optional<String> recorded(Path dir) {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String id = Files.readString(file, StandardCharsets.UTF_8).strip();
      return id.isEmpty() ? Optional.empty() : Optional.of(id);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e, e);
    }
  }

  /**
   * Records {@code id} as the job of the cluster in {@code dir}, replacing any other.
   *
   * @param dir the workers directory; created (owner-only) when missing
   * @param id the job id
   * @throws UncheckedIOException naming {@code dir} when it cannot be written
   */
  public static void record(Path dir, String id) {
    try {
      OwnerOnly.createDirectories(dir);
      OwnerOnly.writeString(dir.resolve(FILE), id + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record Slurm job " + id + " in " + dir + ": " + e, e);
    }
  }

  /**
   * Forgets the recorded job, if any.
   *
   * @param dir the workers directory
   * @throws UncheckedIOException naming the file when it cannot be deleted
   */
  public static void forget(Path dir) {
    try {
      Files.deleteIfExists(dir.resolve(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir.resolve(FILE) + ": " + e, e);
    }
  }

  /**
   * Asks Slurm ({@code scontrol show job}) for the job's state.
   *
   * @param id the job id
   * @return its state; {@code UNKNOWN} when Slurm no longer knows the job (it ended long enough
   *     ago for the controller to forget it)
   * @throws StarmapException naming the job when {@code scontrol} cannot be run or the controller
   *     does not answer
   */
  public static SlurmJob query(String id) {
    List<String> out = run(List.of("scontrol", "-o", "show", "job", id), id);
    String line = out.isEmpty() ? "" : out.get(0);
    if (line.contains("Invalid job id")) {
      return new SlurmJob(id, "UNKNOWN", "", "Slurm no longer knows the job: it ended");
    }
    if (!line.contains("JobState=")) {
      throw new StarmapException("cannot read the state of Slurm job " + id + " from scontrol: "
          + String.join(" | ", out));
    }
    String nodes = field(line, "NodeList");
    return new SlurmJob(id, field(line, "JobState"), "(null)".equals(nodes) ? "" : nodes,
        field(line, "Reason"));
  }

  /**
   * Fails when the job recorded in {@code dir} ended, naming its state: a cluster run on members
   * whose job is gone would otherwise wait for them.
   *
   * @param dir the workers directory
   * @param cluster the cluster's name, for the message
   * @throws StarmapException naming the job, its state and its reason when it ended
   */
  public static void checkRecorded(Path dir, String cluster) {
    Optional<String> id = recorded(dir);
    if (id.isEmpty()) {
      return;
    }
    SlurmJob job = query(id.get());
    if (!job.active()) {
      throw new StarmapException("the members of cluster '" + cluster + "' ran as Slurm job "
          + job.id() + ", which is " + job.state() + " (reason: " + job.reason() + ")"
          + (job.nodes().isEmpty() ? "" : " on " + job.nodes())
          + ": they are gone; start workers again");
    }
  }

  /**
   * For a run on the members recorded in {@code dir}: what to add to the failure of a task whose
   * member left, when they ran as a Slurm job that ended ({@code "; its members ran as Slurm job
   * 12, which is CANCELLED (reason: None)"}), else an empty string. An ended job is asked about
   * once; a job that is ending is waited for up to 5 s, for its final state.
   */
  static Supplier<String> whyGone(ClusterSettings settings, Path dir) {
    Optional<String> id = recorded(dir);
    boolean recordedMembers = id.isPresent() && LocalWorkers.readCluster(dir)
        .map(c -> c.join().equals(settings.join())).orElse(false);
    if (!recordedMembers) {
      return () -> "";
    }
    AtomicReference<String> ended = new AtomicReference<>();
    return () -> {
      if (ended.get() == null) {
        try {
          SlurmJob job = query(id.get());
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          while ("COMPLETING".equals(job.state()) && System.nanoTime() < until) {
            Thread.sleep(200);
            job = query(id.get());
          }
          if (!job.active()) {
            ended.compareAndSet(null, "; its members ran as Slurm job " + job.id()
                + ", which is " + job.state() + " (reason: " + job.reason() + ")");
          }
        } catch (StarmapException e) {
          return ""; // Slurm does not answer: the failure says what it knows without it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return "";
        }
      }
      return ended.get() == null ? "" : ended.get();
    };
  }

  /** The value of {@code name=} in {@code scontrol -o}'s one line, up to the next space. */
  static String field(String line, String name) {
    String key = " " + name + "=";
    int at = (" " + line).indexOf(key);
    if (at < 0) {
      return "";
    }
    int start = at + key.length() - 1;
    int end = line.indexOf(' ', start);
    return line.substring(start, end < 0 ? line.length() : end);
  }

  private static List<String> run(List<String> command, String id) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new StarmapException("cannot ask Slurm about job " + id + " (" + command.get(0)
          + " is not on the PATH?): " + e.getMessage(), e);
    }
    List<String> lines = new ArrayList<>();
    try (var r = p.inputReader(StandardCharsets.UTF_8)) {
      r.lines().forEach(lines::add);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new StarmapException("Slurm did not answer about job " + id + " within 30 s");
      }
    } catch (IOException e) {
      throw new StarmapException("cannot read scontrol's answer about job " + id, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new StarmapException("interrupted while asking Slurm about job " + id, e);
    }
    return lines;
  }
}

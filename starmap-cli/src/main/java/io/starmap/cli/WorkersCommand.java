package io.starmap.cli;

import io.starmap.core.StarmapException;
import io.starmap.core.internal.util.Bytes;
import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.hazelcast.ClusterExecutor;
import io.starmap.hazelcast.ClusterSettings;
import io.starmap.hazelcast.LocalWorkers;
import io.starmap.hazelcast.MemberStatus;
import io.starmap.hazelcast.SlurmJob;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code starmap workers start|status|stop}: workers in the background, local or Slurm's. */
@Command(name = "workers", mixinStandardHelpOptions = true,
    description = {"Runs a cluster of worker members in the background, on this machine or as"
        + " a Slurm job, for the cluster executor ('--executor cluster' then finds them by"
        + " itself).",
        "Their pids or job, ports, logs and secret are kept in $STARMAP_HOME/workers."},
    subcommands = {WorkersCommand.Start.class, WorkersCommand.Status.class,
        WorkersStopCommand.class})
final class WorkersCommand implements Runnable {
  @Spec CommandSpec spec;

  /** The environment (replaced in tests). */
  Map<String, String> env = System.getenv();

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  Path dir() {
    return LocalWorkers.directory(env);
  }

  static Table statusTable(List<MemberStatus> members, List<LocalWorkers.Member> local) {
    Table t = Table.of("member", "worker", "pid", "version", "state", "cores", "threads",
        "running", "completed", "heap_used", "heap_max", "uptime_s");
    for (MemberStatus m : members) {
      String pid = m.workerId().substring(m.workerId().lastIndexOf(':') + 1);
      t.row(m.address(), m.workerId(), pid, m.version(), m.state(), m.cores(), m.threads(),
          m.running(), m.completed(), m.usable() ? Bytes.human(m.heapUsedBytes()) : null,
          m.usable() ? Bytes.human(m.heapMaxBytes()) : null,
          m.usable() ? m.uptimeMillis() / 1000 : null);
    }
    for (LocalWorkers.Member l : local) {
      boolean listed = members.stream().anyMatch(m -> m.workerId().endsWith(":" + l.pid()));
      if (!listed) {
        t.row("127.0.0.1:" + l.port(), null, Long.toString(l.pid()), null,
            l.alive() ? "not in the cluster (see " + l.log() + ")" : "not running",
            null, null, null, null, null, null, null);
      }
    }
    return t;
  }

  /** {@code starmap workers start}. */
  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Starts N worker members in the background (detached JVMs, or the tasks of"
          + " one Slurm job with --launcher slurm) and waits until they have formed a cluster.")
  static final class Start implements Runnable {
    @Spec CommandSpec spec;
    @ParentCommand WorkersCommand parent;

    @Option(names = "--count", paramLabel = "N", defaultValue = "2",
        description = "How many members (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--port", paramLabel = "P", defaultValue = "5701",
        description = "The first member's port; the others take the next ones"
            + " (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--cluster", paramLabel = "NAME", defaultValue = "starmap-local",
        description = "The cluster name (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--threads", paramLabel = "T",
        description = "Tasks each member runs at once (default: the number of cores / N,"
            + " at least 1).")
    Integer threads;

    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "512m",
        description = "Each member's maximum heap, as -Xmx takes it (default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--classpath", paramLabel = "PATH",
        description = "Jars or directories of your tasks to add to the members' class path.")
    String classpath;

    @Option(names = "--allow", paramLabel = "PATTERN,...", split = ",",
        description = "Classes the members may deserialize besides the JDK's and io.starmap's,"
            + " such as 'com.example.**'.")
    List<String> allow = new ArrayList<>();

    @Option(names = "--launcher", paramLabel = "local|slurm", defaultValue = "local",
        description = "local: JVMs on this machine; slurm: one Slurm job (sbatch) whose tasks"
            + " are the members, on the nodes Slurm allocates (default: ${DEFAULT-VALUE}).")
    String launcher;

    @Mixin SlurmOptions slurm;

    @Mixin FormatOption formatOption;

    @Override
    public void run() {
      if (!launcher.equals("local") && !launcher.equals("slurm")) {
        throw new UserException("--launcher must be local or slurm, got '" + launcher + "'",
            null, 2);
      }
      if (count < 1 || count > 64) {
        throw new UserException("--count must be between 1 and 64, got " + count, null, 2);
      }
      if (port < 1 || port + count - 1 > 65535) {
        throw new UserException("--port must leave room for " + count + " ports, got " + port,
            null, 2);
      }
      Path dir = parent.dir();
      // one cluster per workers directory, whichever launcher started it
      SlurmLauncher.refuseActive(dir);
      SlurmJob.forget(dir);
      List<LocalWorkers.Member> running = LocalWorkers.members(dir).stream()
          .filter(LocalWorkers.Member::alive).toList();
      if (!running.isEmpty()) {
        throw new UserException(running.size() + " local worker(s) already run (pids "
            + running.stream().map(m -> Long.toString(m.pid())).toList()
            + "); 'starmap workers stop' them first");
      }
      for (LocalWorkers.Member stale : LocalWorkers.members(dir)) {
        LocalWorkers.removeMember(dir, stale);
      }
      if (launcher.equals("slurm")) {
        startSlurm(dir);
        return;
      }
      List<String> join = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int p = port + i;
        if (!free(p)) {
          throw new UserException("port " + p + " on 127.0.0.1 is taken; choose another --port");
        }
        join.add("127.0.0.1:" + p);
      }
      String secret = secret();
      LocalWorkers.writeCluster(dir, new LocalWorkers.Cluster(cluster, join, secret));
      int perMember = threads != null ? threads
          : Math.max(1, Runtime.getRuntime().availableProcessors() / count);
      List<Process> started = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        started.add(spawn(dir, port + i, join, perMember, secret));
      }
      ClusterSettings settings = ClusterSettings.of(cluster, join, secret)
          .withMinMembers(count).withWait(Duration.ofSeconds(90));
      List<MemberStatus> status = awaitCluster(settings, started, dir);
      statusTable(status, List.of()).print(spec.commandLine().getOut(), formatOption.format);
    }

    private String secret() {
      return Optional.ofNullable(parent.env.get("STARMAP_CLUSTER_SECRET"))
          .filter(s -> !s.isBlank()).orElseGet(Start::newSecret);
    }

    private void startSlurm(Path dir) {
      int perMember = threads != null ? threads : 1;
      SlurmScript script = new SlurmScript(slurm.sharedDir(dir), port, memberJvm("slurm"),
          workerArgs(perMember));
      List<MemberStatus> status = new SlurmLauncher(dir, slurm.sharedDir, parent.env).start(
          new SlurmLauncher.Request(cluster, count, port, perMember, slurm.sbatchArgs()),
          script, secret());
      statusTable(status, List.of()).print(spec.commandLine().getOut(), formatOption.format);
    }

    /** {@code java}, its options, the class path and the main class of a member. */
    private List<String> memberJvm(String mark) {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Dstarmap.worker=" + mark);
      cmd.add("-Xmx" + heap);
      if (Runtime.version().feature() >= 23) {
        // Hazelcast's shaded jctools still uses sun.misc.Unsafe: keep the log free of warnings.
        cmd.add("--sun-misc-unsafe-memory-access=allow");
      }
      cmd.add("-cp");
      String cp = System.getProperty("java.class.path");
      cmd.add(classpath == null || classpath.isBlank() ? cp
          : cp + File.pathSeparator + classpath);
      cmd.add(Main.class.getName());
      return cmd;
    }

    /** {@code starmap worker}'s arguments besides where it listens and whom it joins. */
    private List<String> workerArgs(int perMember) {
      List<String> args = new ArrayList<>(List.of("worker", "--cluster", cluster, "--threads",
          Integer.toString(perMember)));
      if (!allow.isEmpty()) {
        args.addAll(List.of("--allow", String.join(",", allow)));
      }
      return args;
    }

    private Process spawn(Path dir, int p, List<String> join, int perMember, String secret) {
      Path log = dir.resolve("member-" + p + ".log");
      List<String> cmd = memberJvm(Integer.toString(p));
      cmd.addAll(workerArgs(perMember));
      cmd.addAll(List.of("--bind", "127.0.0.1", "--port", Integer.toString(p), "--join",
          String.join(",", join)));
      try {
        OwnerOnly.createFileIfMissing(log); // the member's output may quote task data
      } catch (IOException e) {
        throw new UserException("cannot create " + log + ": " + e.getMessage(), e);
      }
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      // The secret goes by the environment, never on the command line that ps shows.
      Map<String, String> childEnv = pb.environment();
      childEnv.put("STARMAP_CLUSTER_SECRET", secret);
      childEnv.remove("STARMAP_CLUSTER_JOIN");
      childEnv.remove("STARMAP_CLUSTER_NAME");
      try {
        Process process = pb.start();
        LocalWorkers.writeMember(dir, new LocalWorkers.Member(process.pid(), p, log,
            System.currentTimeMillis()));
        return process;
      } catch (IOException e) {
        throw new UserException("cannot start a worker JVM: " + e.getMessage(), e);
      }
    }

    private static List<MemberStatus> awaitCluster(ClusterSettings settings,
        List<Process> started, Path dir) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      StarmapException last = null;
      while (System.nanoTime() < deadline) {
        for (Process p : started) {
          if (!p.isAlive()) {
            throw new UserException("worker pid " + p.pid() + " exited with code "
                + p.exitValue() + " while starting: " + tail(dir, p.pid()));
          }
        }
        try {
          List<MemberStatus> status = ClusterExecutor.status(settings.withWait(
              Duration.ofSeconds(5)));
          if (status.stream().filter(MemberStatus::usable).count() >= started.size()) {
            return status;
          }
        } catch (StarmapException e) {
          last = e; // not listening yet
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new UserException("interrupted while the workers start", e);
        }
      }
      throw new UserException("the workers did not form a cluster within 90 s"
          + (last == null ? "" : ": " + last.getMessage()) + "; see the logs in " + dir);
    }

    private static String tail(Path dir, long pid) {
      for (LocalWorkers.Member m : LocalWorkers.members(dir)) {
        if (m.pid() == pid) {
          try {
            List<String> lines = Files.readAllLines(m.log());
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5),
                lines.size()));
          } catch (IOException e) {
            return "see " + m.log();
          }
        }
      }
      return "no log";
    }

    private static boolean free(int p) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    private static String newSecret() {
      byte[] b = new byte[32];
      new SecureRandom().nextBytes(b);
      return HexFormat.of().formatHex(b);
    }
  }

  /** {@code starmap workers status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Lists the cluster's members with their cores, running tasks and memory"
          + " (the local workers, or the cluster of STARMAP_CLUSTER_JOIN); for workers run by"
          + " Slurm, the job's id, state and nodes too.")
  static final class Status implements Runnable {
    @Spec CommandSpec spec;
    @ParentCommand WorkersCommand parent;

    @Mixin FormatOption formatOption;

    @Override
    public void run() {
      Optional<String> job = SlurmJob.recorded(parent.dir());
      if (job.isPresent()) {
        new SlurmLauncher(parent.dir(), null, parent.env).status(job.get())
            .print(spec.commandLine().getOut(), formatOption.format);
        return;
      }
      List<LocalWorkers.Member> local = LocalWorkers.members(parent.dir());
      ClusterSettings settings;
      try {
        settings = ClusterSettings.from(Map.of("waitSeconds", "5"), parent.env);
      } catch (IllegalArgumentException e) {
        throw new UserException("no cluster to ask: " + e.getMessage(), e);
      }
      List<MemberStatus> members;
      try {
        members = ClusterExecutor.status(settings);
      } catch (StarmapException e) {
        if (local.isEmpty()) {
          throw new UserException(e.getMessage(), e);
        }
        members = List.of(); // the local rows say what is wrong
      }
      statusTable(members, local).print(spec.commandLine().getOut(), formatOption.format);
    }
  }
}

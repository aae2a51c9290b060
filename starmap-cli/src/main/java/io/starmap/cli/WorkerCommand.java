package io.starmap.cli;

import io.starmap.core.StarmapException;
import io.starmap.hazelcast.ClusterSettings;
import io.starmap.hazelcast.LocalWorkers;
import io.starmap.hazelcast.WorkerMember;
import io.starmap.hazelcast.WorkerSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code starmap worker}: runs one cluster member in the foreground until stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Runs a worker of the cluster executor: a Hazelcast member that runs the tasks"
        + " of masters holding the cluster's secret, until Ctrl-C or 'starmap workers stop'.",
        "Start it from the same Starmap version and jars as the master (no code is shipped).",
        "The secret comes from --secret-file, else STARMAP_CLUSTER_SECRET, else the local"
            + " workers' record in $STARMAP_HOME/workers."})
final class WorkerCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(names = "--join", paramLabel = "HOST:PORT,...", split = ",",
      description = "Members to join (default: $STARMAP_CLUSTER_JOIN, else the bind address).")
  List<String> join = new ArrayList<>();

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "The interface address to bind and announce (default: ${DEFAULT-VALUE});"
          + " give this machine's address on the cluster's network to accept other machines.")
  String bind;

  @Option(names = "--cluster", paramLabel = "NAME",
      description = "The cluster name (default: $STARMAP_CLUSTER_NAME, else starmap).")
  String cluster;

  @Option(names = "--port", paramLabel = "P", defaultValue = "0",
      description = "The port (default: the first free one from 5701).")
  int port;

  @Option(names = "--threads", paramLabel = "N",
      description = "Tasks run at once (default: the number of cores).")
  Integer threads;

  @Option(names = "--allow", paramLabel = "PATTERN,...", split = ",",
      description = "Classes the member may deserialize besides the JDK's and io.starmap's,"
          + " such as 'com.example.**' (default: $STARMAP_CLUSTER_ALLOW).")
  List<String> allow = new ArrayList<>();

  @Option(names = "--secret-file", paramLabel = "FILE",
      description = "A file holding the cluster secret (readable by you only).")
  Path secretFile;

  /** The environment (replaced in tests). */
  Map<String, String> env = System.getenv();

  @Override
  public void run() {
    WorkerSettings settings = settings();
    WorkerMember member;
    try {
      member = WorkerMember.start(settings);
    } catch (StarmapException e) {
      throw new UserException(e.getMessage(), e);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("worker " + member.workerId() + " of cluster '" + settings.cluster()
        + "' listens on " + member.address() + " with " + settings.threads()
        + " thread(s); Ctrl-C stops it");
    out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(member::close, "starmap-worker-stop"));
    try {
      member.awaitShutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      member.close();
    }
  }

  WorkerSettings settings() {
    String secret;
    if (secretFile != null) {
      secret = WorkerMember.readSecret(secretFile);
    } else if (env.get("STARMAP_CLUSTER_SECRET") != null
        && !env.get("STARMAP_CLUSTER_SECRET").isBlank()) {
      secret = env.get("STARMAP_CLUSTER_SECRET").strip();
    } else {
      secret = LocalWorkers.readCluster(LocalWorkers.directory(env))
          .map(LocalWorkers.Cluster::secret).orElseThrow(() -> new UserException(
              "a worker needs the cluster's shared secret: set STARMAP_CLUSTER_SECRET or give"
                  + " --secret-file FILE (the same secret as the master's)", null, 2));
    }
    String name = cluster != null ? cluster
        : env.getOrDefault("STARMAP_CLUSTER_NAME", ClusterSettings.DEFAULT_CLUSTER);
    List<String> members = !join.isEmpty() ? join
        : ClusterSettings.split(env.getOrDefault("STARMAP_CLUSTER_JOIN", ""));
    List<String> allowed = !allow.isEmpty() ? allow
        : ClusterSettings.split(env.getOrDefault("STARMAP_CLUSTER_ALLOW", ""));
    try {
      return new WorkerSettings(name, bind, port, members, secret,
          threads != null ? threads : Runtime.getRuntime().availableProcessors(), allowed);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e, 2);
    }
  }
}

package io.starmap.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@code workers start} that only the Slurm launcher reads. */
final class SlurmOptions {
  @Option(names = "--partition", paramLabel = "P",
      description = "Slurm: the partition to run in (default: the cluster's default).")
  String partition;

  @Option(names = "--time", paramLabel = "T",
      description = "Slurm: the job's time limit, as sbatch takes it (such as 2:00:00);"
          + " the members stop when it is reached.")
  String time;

  @Option(names = "--sbatch-arg", paramLabel = "ARG",
      description = "Slurm: one more argument for sbatch, such as --mem-per-cpu=2G"
          + " (repeatable).")
  List<String> sbatchArg = new ArrayList<>();

  @Option(names = "--shared-dir", paramLabel = "DIR",
      description = "Slurm: a directory every node sees at the same path, for the job's script,"
          + " the members' secret and logs (default: $STARMAP_HOME/workers, which must then be"
          + " on a shared file system).")
  Path sharedDir;

  Path sharedDir(Path workersDir) {
    return sharedDir == null ? workersDir : sharedDir.toAbsolutePath().normalize();
  }

  List<String> sbatchArgs() {
    List<String> args = new ArrayList<>();
    if (partition != null) {
      args.add("--partition=" + partition);
    }
    if (time != null) {
      args.add("--time=" + time);
    }
    args.addAll(sbatchArg);
    return args;
  }
}

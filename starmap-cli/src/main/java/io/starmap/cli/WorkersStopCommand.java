package io.starmap.cli;

import io.starmap.hazelcast.LocalWorkers;
import io.starmap.hazelcast.SlurmJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code starmap workers stop}. */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stops the workers that 'starmap workers start' started: the local JVMs, or"
        + " their Slurm job (scancel), waiting until it ended.")
final class WorkersStopCommand implements Runnable {
  @Spec CommandSpec spec;
  @ParentCommand WorkersCommand parent;

  @Mixin FormatOption formatOption;

  @Override
  public void run() {
    Path dir = parent.dir();
    List<LocalWorkers.Member> members = LocalWorkers.members(dir);
    PrintWriter out = spec.commandLine().getOut();
    Optional<String> job = SlurmJob.recorded(dir);
    if (job.isPresent()) {
      new SlurmLauncher(dir, null, parent.env).stop(job.get()).print(out, formatOption.format);
      return;
    }
    if (members.isEmpty()) {
      out.println("no local workers recorded in " + dir);
      out.flush();
      return;
    }
    Map<Long, ProcessHandle> stopping = new HashMap<>();
    for (LocalWorkers.Member m : members) {
      ProcessHandle.of(m.pid()).filter(h -> m.alive() && isWorker(h))
          .ifPresent(h -> {
            h.destroy();
            stopping.put(m.pid(), h);
          });
    }
    Table t = Table.of("member", "pid", "result");
    for (LocalWorkers.Member m : members) {
      ProcessHandle h = stopping.get(m.pid());
      String result;
      if (h == null) {
        result = "was not running";
      } else {
        try {
          h.onExit().get(15, TimeUnit.SECONDS);
          result = "stopped";
        } catch (Exception e) {
          h.destroyForcibly();
          result = "killed (did not stop within 15 s)";
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
        }
      }
      LocalWorkers.removeMember(dir, m);
      t.row("127.0.0.1:" + m.port(), m.pid(), result);
    }
    t.print(out, formatOption.format);
  }

  /** Whether the process is a Starmap worker (and not another one with a reused pid). */
  private static boolean isWorker(ProcessHandle h) {
    return h.info().arguments()
        .map(args -> List.of(args).stream().anyMatch(a -> a.startsWith("-Dstarmap.worker")))
        .orElse(true);
  }
}

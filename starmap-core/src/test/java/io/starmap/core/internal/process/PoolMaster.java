package io.starmap.core.internal.process;

import io.starmap.core.Starmap;
import io.starmap.core.processes.ProcessPools;
import java.util.List;
import java.util.Map;

/**
 * A master JVM for the kill tests: starts a pool of two workers whose command lines carry the
 * marker given as first argument, prints their pids, then runs two tasks that sleep a minute.
 * With {@code exit} as second argument it calls System.exit while they run instead; a third
 * argument limits the workers' watches of their parent (see {@code ParentWatch.WATCHES}).
 */
public final class PoolMaster {
  private PoolMaster() {}

  public static void main(String[] args) throws Exception {
    String watch = args.length > 2 ? " -Dstarmap.worker.watch=" + args[2] : "";
    Map<String, String> options =
        Map.of("jvmOptions", "-Dstarmap.test.marker=" + args[0] + watch);
    var info = ProcessPools.warmUp(2, options);
    Starmap<Integer, Integer> sleepy = Starmap.<Integer, Integer>builder("sleepy", (x, ctx) -> {
      Thread.sleep(60_000);
      return x;
    }).executor("processes").workers(2).option("jvmOptions", options.get("jvmOptions")).build();
    if (args.length > 1 && args[1].equals("exit")) {
      Thread exit = new Thread(() -> {
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          return;
        }
        System.exit(0);
      });
      exit.start();
    }
    System.out.println("PIDS " + info.workerPids());
    System.out.flush();
    sleepy.reduce(List.of(1, 2), 0, Integer::sum);
  }
}

package io.starmap.core.internal.process;

import io.starmap.core.Starmap;
import io.starmap.core.processes.ProcessPools;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * A master JVM for {@link NativeAccessFlagIT}: runs one task on a worker process and prints the
 * worker's JVM options, one per line after {@code WORKER}.
 */
public final class NativeAccessMaster {
  private NativeAccessMaster() {}

  public static void main(String[] args) throws Exception {
    Starmap<Integer, String> options = Starmap.<Integer, String>builder("options",
        (x, ctx) -> String.join("\n", ManagementFactory.getRuntimeMXBean().getInputArguments()))
        .executor("processes").workers(1).build();
    String worker = options.reduce(List.of(1), "", (a, b) -> a + b);
    System.out.println("WORKER\n" + worker);
    System.out.flush();
    ProcessPools.shutdown();
  }
}

package io.starmap.reliability;

import io.starmap.core.MemoryGuard;
import io.starmap.core.Outcome;
import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.Task;
import io.starmap.store.Calculation;
import io.starmap.store.CalculationStore;
import io.starmap.store.StarmapHome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A calculation whose tasks exceed a memory limit, in a JVM of its own, recorded in {@code
 * $STARMAP_HOME} like a CLI command does: {@code HogMain master|worker EXECUTOR}. {@code master}:
 * every task returns 4 MB that the master keeps, until the master's memory guard stops the run;
 * {@code worker}: every task holds 160 MB of resident memory in a worker JVM limited to 64 MB.
 * Prints {@code starmap: MESSAGE} and exits 1 when stopped, as the CLI does.
 */
public final class HogMain {
  private HogMain() {}

  /** Runs the hog. */
  public static void main(String[] args) {
    String mode = args[0];
    String executor = args[1];
    try (CalculationStore store = CalculationStore.open(StarmapHome.resolve());
        Calculation calc = store.start("hog", "memory hog (" + mode + ", " + executor + ")",
            Map.of("mode", mode, "executor", executor))) {
      try {
        long kept = mode.equals("master") ? master(executor, calc) : worker(executor, calc);
        calc.complete();
        System.out.println("hog finished without being stopped, kept " + kept + " bytes");
        System.exit(0);
      } catch (RuntimeException e) {
        calc.fail(e);
        System.err.println("starmap: " + oneLine(e) + " (calculation " + calc.id() + ")");
      }
    }
    System.exit(1);
  }

  private static long master(String executor, Calculation calc) {
    // The guard measures the heap as outcomes arrive; the replies still in flight (up to 4, each
    // held twice while a worker's reply is read: bytes and value) come on top. With 8 MB results
    // that was up to 64 MB over the hard limit's 80 MB in a 128 MB heap, and a CI run once ran
    // out of memory in the reply reader before the guard stopped the run; with 4 MB it fits.
    Task<Integer, long[]> fourMegabytes = (i, ctx) -> new long[1 << 19];
    Starmap<Integer, long[]> s = Starmap.builder("hog-master", fourMegabytes).executor(executor)
        .workers(2).memoryGuard(new MemoryGuard(0.5, 0.6)).recorder(calc).build();
    List<long[]> keep = new ArrayList<>();
    long bytes = 0;
    try (Run<long[]> run = s.submit(IntStream.range(0, 200).boxed().toList())) {
      for (Outcome<long[]> o : run) {
        keep.add(o.value());
        bytes += 4L << 20;
      }
    }
    return bytes + keep.size();
  }

  private static long worker(String executor, Calculation calc) {
    Task<Integer, Long> hold = (i, ctx) -> {
      byte[][] blocks = new byte[160][];
      long sum = 0;
      for (int b = 0; b < blocks.length; b++) {
        blocks[b] = new byte[1 << 20];
        java.util.Arrays.fill(blocks[b], (byte) i.intValue()); // touch: make it resident
        sum += blocks[b][b];
      }
      try {
        Thread.sleep(3_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return sum + blocks.length;
    };
    Starmap<Integer, Long> s = Starmap.builder("hog-worker", hold).executor(executor).workers(2)
        .option("memoryLimitMb", "64").option("jvmOptions", "-Xmx256m").recorder(calc).build();
    long total = 0;
    try (Run<Long> run = s.submit(IntStream.range(0, 6).boxed().toList())) {
      for (Outcome<Long> o : run) {
        total += o.value();
      }
    }
    return total;
  }

  private static String oneLine(Throwable e) {
    StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
        sb.append(": ").append(c.getMessage());
      }
    }
    return sb.toString().replace('\n', ' ');
  }
}

package io.starmap.store;

import io.starmap.core.Recorder;
import io.starmap.core.Starmap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Measures what recording costs (not a test: run it by hand, see docs/benchmarks-history.md):
 * the wall time of a run of trivial tasks with and without a calculation as its recorder, the time
 * to write the datastore, its size, and the time and size of the HTML report.
 *
 * <p>Arguments: tasks (default 100000), repetitions (default 3).
 */
public final class RecordingCost {
  private RecordingCost() {}

  /** Runs the measurement and prints one line per figure. */
  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path home = Files.createTempDirectory("starmap-recording-cost");
    double[] plain = new double[reps];
    double[] recorded = new double[reps];
    double[] close = new double[reps];
    long id = 0;
    try (CalculationStore store = CalculationStore.open(home)) {
      run(tasks, Recorder.none()); // warm-up of the engine and the JIT
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        run(tasks, Recorder.none());
        plain[r] = (System.nanoTime() - t0) / 1e9;
        try (Calculation calc = store.start("bench", "recording cost", Map.of("workers", "2"))) {
          long t1 = System.nanoTime();
          run(tasks, calc);
          recorded[r] = (System.nanoTime() - t1) / 1e9;
          long t2 = System.nanoTime();
          calc.complete();
          close[r] = (System.nanoTime() - t2) / 1e9;
          id = calc.id();
        }
      }
      Path ds = store.datastorePath(id);
      long t3 = System.nanoTime();
      long reportBytes = HtmlReport.write(store, id, home.resolve("report.html"));
      double report = (System.nanoTime() - t3) / 1e9;
      double medPlain = median(plain);
      double medRec = median(recorded);
      System.out.printf(Locale.ROOT, "tasks per run                 %d%n", tasks);
      System.out.printf(Locale.ROOT, "run without recorder (median) %.3f s  %s%n", medPlain,
          Arrays.toString(plain));
      System.out.printf(Locale.ROOT, "run with calculation (median) %.3f s  %s%n", medRec,
          Arrays.toString(recorded));
      System.out.printf(Locale.ROOT, "recording cost per task       %.2f us%n",
          (medRec - medPlain) / tasks * 1e6);
      System.out.printf(Locale.ROOT, "complete(): flush + HDF5      %.3f s  %s%n", median(close),
          Arrays.toString(close));
      System.out.printf(Locale.ROOT, "datastore size                %d bytes%n", Files.size(ds));
      System.out.printf(Locale.ROOT, "db.sqlite size (%d calcs)      %d bytes%n", reps,
          Files.size(store.databasePath()));
      System.out.printf(Locale.ROOT, "report                        %.3f s, %d bytes%n", report,
          reportBytes);
      store.views().log(id).stream().filter(l -> l.message().startsWith("Stored "))
          .forEach(l -> System.out.println("log: " + l.message()));
    }
  }

  private static void run(int tasks, Recorder recorder) {
    Starmap<Long, Long> smap = Starmap.<Long, Long>builder("square", (x, ctx) -> {
      try (var m = ctx.measure("multiply")) {
        m.count(1);
        return x * x;
      }
    }).executor("threads").workers(2).recorder(recorder).build();
    smap.reduce(() -> LongStream.range(0, tasks).boxed().iterator(), 0L, Long::sum);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}

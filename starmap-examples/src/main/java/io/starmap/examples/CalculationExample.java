package io.starmap.examples;

import io.starmap.core.AccumMap;
import io.starmap.core.Starmap;
import io.starmap.store.Calculation;
import io.starmap.store.CalculationStore;
import io.starmap.store.H5Table;
import io.starmap.store.StarmapHome;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Example (c): a calculation recorded in the store. Every task, its operations and the master's
 * own work ({@code calc.measure}) go to {@code $STARMAP_HOME} (the system property {@code
 * starmap.home}, else the environment variable {@code STARMAP_HOME}, else {@code ~/.starmap}), so
 * that afterwards
 *
 * <pre>
 * starmap show performance ID     # where the time went, per operation
 * starmap report ID -o calc.html  # timeline, durations, memory
 * </pre>
 *
 * explain the run. It prints {@code calculation ID} and the path of its HDF5 datastore.
 */
public final class CalculationExample {
  private CalculationExample() {}

  /** Runs the example as one calculation. */
  public static void main(String[] args) {
    List<Integer> numbers = IntStream.rangeClosed(1, 1000).boxed().toList();
    try (CalculationStore store = CalculationStore.open(StarmapHome.resolve());
         Calculation calc = store.start("example", "digits of 1 to 1000",
             Map.of("executor", "threads", "workers", "2"))) {
      try {
        Starmap<Integer, AccumMap> digits = Starmap.builder("digits", Digits.TASK)
            .executor("threads").workers(2)
            .recorder(calc)                     // each task's metrics and operations are recorded
            .build();
        AccumMap sum;
        try (var m = calc.measure("reading")) {  // the master's own work, measured as tasks are
          sum = digits.reduce(numbers, new AccumMap(), AccumMap::add);
        }
        calc.log(System.Logger.Level.INFO, Digits.describe(sum));
        try (var m = calc.measure("saving")) {
          calc.put("results/last_digits", H5Table.builder()
              .column("digit", 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
              .column("numbers", (long[]) sum.get("lastDigits"))
              .build());
        }
        calc.complete();                       // without it, close() records the calc as failed
      } catch (RuntimeException e) {
        calc.fail(e);                          // recorded with its stack trace, then rethrown
        throw e;
      }
      System.out.println("calculation " + calc.id());
      System.out.println("datastore " + calc.datastorePath());
    }
  }
}

package io.starmap.store;

import io.starmap.core.Starmap;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A user's application in a JVM of its own: records a calculation with a datastore, prints its id.
 * Run by {@link QuietApplicationIT} with the class path a consumer of the store gets.
 */
public final class QuietApplication {
  private QuietApplication() {}

  /**
   * Records one calculation under the home given as the only argument.
   *
   * @param args the STARMAP_HOME to use
   */
  public static void main(String[] args) {
    try (CalculationStore store = CalculationStore.open(Path.of(args[0]));
         Calculation calc = store.start("demo", "sum of squares", Map.of())) {
      long sum = Starmap.map("square", (Long n) -> n * n).executor("threads").workers(2)
          .recorder(calc).build().reduce(List.of(1L, 2L, 3L), 0L, Long::sum);
      calc.put("results/sum", H5Table.builder().column("sum", new long[] {sum}).build());
      calc.complete();
      System.out.println("calc " + calc.id() + " sum " + sum);
    }
  }
}

package io.starmap.store;

import io.starmap.core.Starmap;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A separate process for {@link AbortIT}: records a calculation whose tasks after the first
 * few block, and prints its id once some tasks are recorded.
 */
public final class AbortTarget {
  private AbortTarget() {}

  /** Arguments: the Starmap home. */
  public static void main(String[] args) throws Exception {
    try (CalculationStore store = CalculationStore.open(Path.of(args[0]));
         Calculation calc = store.start("test", "to be aborted", Map.of("workers", "2"))) {
      Starmap<Integer, Integer> smap = Starmap.<Integer, Integer>builder("block", (x, ctx) -> {
        if (x >= 3) {
          Thread.sleep(600_000);
        }
        return x;
      }).executor("threads").workers(2).maxInFlight(4).recorder(calc).build();
      Thread printer = new Thread(() -> {
        try {
          while (store.views().tasks(calc.id(), 0).size() < 3) {
            Thread.sleep(50);
          }
          System.out.println("calc " + calc.id());
          System.out.flush();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      printer.setDaemon(true);
      printer.start();
      smap.reduce(IntStream.range(0, 10).boxed().toList(), 0, Integer::sum);
      calc.complete();
    }
  }
}

package io.starmap.cli;

import io.starmap.core.Starmap;
import io.starmap.store.Calculation;
import io.starmap.store.CalculationStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/** A calculation of 25 tasks on the threads executor, recorded in a store for the commands. */
final class TwentyFiveTasks {
  private TwentyFiveTasks() {}

  /**
   * Records it in {@code home}; {@code end} ends it (complete, fail, with a log line or a result
   * first).
   */
  static long record(Path home, String description, Consumer<Calculation> end) {
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("test", description,
             Map.of("executor", "threads", "workers", "2"))) {
      Starmap<Integer, Integer> smap = Starmap.<Integer, Integer>builder("work", (x, ctx) -> {
        try (var m = ctx.measure("step")) {
          m.count(x);
          return x;
        }
      }).executor("threads").workers(2).recorder(calc).build();
      smap.reduce(IntStream.range(0, 25).boxed().toList(), 0, Integer::sum);
      end.accept(calc);
      return calc.id();
    }
  }
}

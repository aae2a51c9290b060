package io.starmap.ui;

import io.starmap.core.Starmap;
import io.starmap.store.Calculation;
import io.starmap.store.CalculationStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A calculation in a process of its own, for the browser test: {@code TASKS} tasks of {@code
 * SLEEP_MS} each on two threads, or, with {@code block}, tasks that block after the first few (to
 * be aborted). Prints {@code calc ID} once it is recorded.
 */
public final class LiveRun {
  private LiveRun() {}

  /**
   * Arguments: the Starmap home, the description, the number of tasks, the milliseconds each
   * sleeps, and {@code block} to block from the fourth task on.
   */
  public static void main(String[] args) throws Exception {
    int tasks = Integer.parseInt(args[2]);
    long sleep = Long.parseLong(args[3]);
    boolean block = args.length > 4 && args[4].equals("block");
    try (CalculationStore store = CalculationStore.open(Path.of(args[0]));
         Calculation calc = store.start("test", args[1],
             Map.of("executor", "threads", "workers", "2"))) {
      System.out.println("calc " + calc.id());
      System.out.flush();
      Starmap<Integer, Integer> smap = Starmap.<Integer, Integer>builder(
          block ? "wait" : "work", (x, ctx) -> {
            try (var m = ctx.measure("sleep")) {
              Thread.sleep(block && x >= 3 ? 600_000 : sleep + x % 3 * sleep / 2);
              m.count(1000);
            }
            return x;
          }).executor("threads").workers(2).maxInFlight(4).recorder(calc).build();
      List<Integer> args2 = IntStream.range(0, tasks).boxed().toList();
      smap.reduce(args2, 0, Integer::sum);
      calc.complete();
    }
  }
}

package io.starmap.examples;

import io.starmap.core.AccumMap;
import io.starmap.core.Task;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The task that the examples share: it looks at one number and returns what it saw as an {@link
 * AccumMap}, which the master adds up. The same task runs on threads, in worker processes and on
 * a cluster, so it is a {@link Task} (serializable), and it captures nothing.
 */
public final class Digits {
  private Digits() {}

  /**
   * Counts one number: {@code numbers} (1 per task), {@code total} (the number itself), {@code
   * lastDigits} (how many numbers end in 0..9, an array added element by element) and {@code
   * perWorker} (1 under the name of where the task ran: a nested map whose counts add up to the
   * tasks each worker ran).
   */
  public static final Task<Integer, AccumMap> TASK = (n, ctx) -> {
    long[] lastDigits = new long[10];
    try (var m = ctx.measure("last digit")) {  // a named operation, timed inside the task
      lastDigits[n % 10] = 1;
      m.count(1);                              // what a rate is made of: here, one number
    }
    return AccumMap.of("numbers", 1L, "total", (long) n, "lastDigits", lastDigits,
        "perWorker", Map.of(ctx.workerId(), 1L));
  };

  /** One line for a reduced map: {@code numbers=1000 total=500500 lastDigits=[100, ...]}. */
  public static String describe(AccumMap sum) {
    return "numbers=" + sum.get("numbers") + " total=" + sum.get("total")
        + " lastDigits=" + Arrays.toString((long[]) sum.get("lastDigits"));
  }

  /** Where the tasks ran, in order: {@code host:pid/thread}, or {@code host:pid} of a member. */
  public static List<String> workers(AccumMap sum) {
    return ((AccumMap) sum.get("perWorker")).keySet().stream().sorted().toList();
  }
}

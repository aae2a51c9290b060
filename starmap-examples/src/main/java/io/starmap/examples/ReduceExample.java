package io.starmap.examples;

import io.starmap.core.AccumMap;
import io.starmap.core.Starmap;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Example (a): a reduce with {@link AccumMap} on threads. One task per number from 1 to 1000; each
 * returns an {@code AccumMap}, and {@code reduce} adds them up on the master as they complete.
 *
 * <p>Run: {@code java -cp CLASSPATH io.starmap.examples.ReduceExample}.
 */
public final class ReduceExample {
  private ReduceExample() {}

  /** Runs the example and prints the sums. */
  public static void main(String[] args) {
    List<Integer> numbers = IntStream.rangeClosed(1, 1000).boxed().toList();

    Starmap<Integer, AccumMap> digits = Starmap.builder("digits", Digits.TASK)
        .executor("threads").workers(4)       // or leave both to STARMAP_EXECUTOR/_WORKERS
        .build();

    // AccumMap::plus returns a new map, so a shared identity is safe; numbers are added, the
    // long[] element by element, and the nested maps per worker are merged key by key.
    AccumMap sum = digits.reduce(numbers, AccumMap.empty(), AccumMap::plus);

    System.out.println(Digits.describe(sum));
    System.out.println("executor=" + digits.executorName() + " workers=" + digits.workers());
    System.out.println("ran on " + Digits.workers(sum));
    System.out.println("tasks per worker " + sum.get("perWorker"));
  }
}

package io.starmap.examples;

import io.starmap.core.AccumMap;
import io.starmap.core.Starmap;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Example (d): the code of {@link ReduceExample} on the {@code cluster} executor. Only the
 * executor's name changes; the task, the reduce and the result are the same.
 *
 * <p>Start local workers first, with this example's classes on their class path (members run
 * the task's code from their own class path; no code is shipped):
 *
 * <pre>
 * starmap workers start --count 2 --classpath starmap-examples/target/classes
 * java -cp CLASSPATH io.starmap.examples.ClusterExample
 * starmap workers stop
 * </pre>
 *
 * <p>{@code workers start} records the cluster's name, members and secret in {@code
 * $STARMAP_HOME/workers}, where the {@code cluster} executor finds them when no option and no
 * {@code STARMAP_CLUSTER_*} variable says otherwise. Results travel back through an allow-list:
 * classes outside the JDK and {@code io.starmap} need {@code .option("allow", "com.example.**")}
 * (and {@code --allow} for the members).
 */
public final class ClusterExample {
  private ClusterExample() {}

  /** Runs the example on the local workers and prints the sums and the members used. */
  public static void main(String[] args) {
    List<Integer> numbers = IntStream.rangeClosed(1, 1000).boxed().toList();

    Starmap<Integer, AccumMap> digits = Starmap.builder("digits", Digits.TASK)
        .executor("cluster")                  // or STARMAP_EXECUTOR=cluster, with no code change
        .build();
    AccumMap sum = digits.reduce(numbers, AccumMap.empty(), AccumMap::plus);

    System.out.println(Digits.describe(sum));
    System.out.println("executor=" + digits.executorName() + " workers=" + digits.workers());
    System.out.println("ran on " + Digits.workers(sum));
    System.out.println("tasks per worker " + sum.get("perWorker"));
  }
}

package io.starmap.store;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A separate process for {@link AbortIT}: a calculation whose main thread fails as soon as the
 * JVM starts to end, then closes the store, as an import does whose database a Ctrl-C stopped
 * under it. Prints the calculation's id when it runs.
 */
public final class FailAtExitTarget {
  private FailAtExitTarget() {}

  /** Arguments: the Starmap home. */
  public static void main(String[] args) throws Exception {
    CountDownLatch ending = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(ending::countDown, "test-ending"));
    try (CalculationStore store = CalculationStore.open(Path.of(args[0]));
         Calculation calc = store.start("test", "to be ended by SIGTERM", Map.of())) {
      try (var m = calc.measure("working")) {
        System.out.println("calc " + calc.id());
        System.out.flush();
        ending.await();
      }
      calc.fail(new IllegalStateException("the database went away under the run"));
    }
  }
}

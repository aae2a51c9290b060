package io.starmap.examples;

import io.starmap.core.RemoteTaskException;
import io.starmap.core.Starmap;
import io.starmap.core.Task;
import io.starmap.core.TaskFailedException;
import java.util.List;

/**
 * Example (b): the {@code processes} executor, and a task that fails in a worker JVM. The caller
 * catches a {@link TaskFailedException} that names the task, its argument and the worker; its
 * cause is the exception the task threw, with the stack trace of the worker where it was thrown.
 *
 * <p>An exception that can travel (serializable, and of an allowed class: the JDK's, {@code
 * io.starmap}'s, the task's own package) arrives as itself, so {@code catch} works as on threads.
 * One that cannot arrives as a {@link RemoteTaskException} that keeps its class name, message and
 * stack trace. This example shows both.
 */
public final class ProcessesExample {
  private ProcessesExample() {}

  /** An exception that cannot travel: it holds a field that is not serializable. */
  static final class LedgerException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings({"serial", "unused"}) // on purpose: this is what makes it stay in the worker
    private final Object openLedger = new Object();

    LedgerException(String message) {
      super(message);
    }
  }

  /** Parses one line; "three" is not a number, and the worker's stack trace will say where. */
  static int parse(String line) {
    return Integer.parseInt(line.strip());
  }

  /** Runs the example: two runs on worker JVMs, each with a failing task. */
  public static void main(String[] args) {
    Starmap<String, Integer> parse = Starmap.map("parse", ProcessesExample::parse)
        .executor("processes").workers(2)     // two worker JVMs on this class path
        .build();
    try {
      parse.reduce(List.of("1", "2", "three", "4"), 0, Integer::sum);
    } catch (TaskFailedException e) {
      // "task parse#2(three) failed on <host>:<worker pid>/...: java.lang.NumberFormatException..."
      System.out.println("caught: " + e.getMessage());
      // The cause is the worker's NumberFormatException itself, with the worker JVM's frames:
      // catch (or test with instanceof) the exceptions of your task as on any other executor.
      Throwable cause = e.getCause();
      System.out.println("the worker's " + cause.getClass().getSimpleName() + ":");
      cause.printStackTrace(System.out);
    }

    Task<String, Integer> record = (line, ctx) -> {
      throw new LedgerException("the ledger refused " + line);
    };
    Starmap<String, Integer> ledger = Starmap.builder("ledger", record)
        .executor("processes").workers(2).build();
    try {
      ledger.reduce(List.of("a"), 0, Integer::sum);
    } catch (TaskFailedException e) {
      if (e.getCause() instanceof RemoteTaskException remote) {
        // a copy: the original class name, its message and its stack trace, as strings
        System.out.println("remote " + remote.originalClassName() + ": "
            + remote.originalMessage());
        remote.printStackTrace(System.out);
      }
    }
  }
}

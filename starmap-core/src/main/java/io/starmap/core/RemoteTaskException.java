package io.starmap.core;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Stands for an exception that a task threw in another JVM (a worker process, a cluster member)
 * and that could not travel back as itself: its class is not serializable, or not allowed by the
 * executor's deserialization allow-list. It keeps the original's class name, message and stack
 * trace (the remote frames), and its causes are copied the same way.
 *
 * <p>Every executor that runs tasks in another JVM uses this one type, so that the same {@code
 * catch} works whatever the executor: an exception whose class is allowed arrives as itself (the
 * cause of the {@link TaskFailedException}), any other as a {@code RemoteTaskException} whose
 * message says why and how to allow the class.
 */
public final class RemoteTaskException extends StarmapException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_DEPTH = 20;

  /** The class name of the exception the task threw. */
  private final String originalClassName;
  /** The message of the exception the task threw, or null. */
  private final String originalMessage;

  /**
   * Creates a copy of a remote exception.
   *
   * @param originalClassName the class name of the exception the task threw
   * @param originalMessage its message, may be null
   * @param why why it travelled as a copy and how to allow its class, or null (for causes)
   */
  public RemoteTaskException(String originalClassName, String originalMessage, String why) {
    super(originalClassName + (originalMessage == null ? "" : ": " + originalMessage)
        + (why == null ? "" : " (" + why + ")"));
    this.originalClassName = originalClassName;
    this.originalMessage = originalMessage;
  }

  /**
   * A copy of {@code t}, its causes and its suppressed exceptions, made only of strings and stack
   * traces.
   *
   * @param t the exception a task threw
   * @param why why it travels as a copy and how to allow its class; said once, on the copy of
   *     {@code t} itself
   * @return the copy
   */
  public static RemoteTaskException copyOf(Throwable t, String why) {
    return copy(t, why, Collections.newSetFromMap(new IdentityHashMap<>()), 0);
  }

  private static RemoteTaskException copy(Throwable t, String why, Set<Throwable> seen,
      int depth) {
    seen.add(t);
    String message;
    try {
      message = t.getMessage();
    } catch (RuntimeException e) {
      message = "(getMessage failed: " + e + ")";
    }
    RemoteTaskException c = t instanceof RemoteTaskException r
        ? new RemoteTaskException(r.originalClassName, r.originalMessage, why)
        : new RemoteTaskException(t.getClass().getName(), message, why);
    c.setStackTrace(t.getStackTrace());
    if (depth < MAX_DEPTH) {
      Throwable cause = t.getCause();
      if (cause != null && !seen.contains(cause)) {
        c.initCause(copy(cause, null, seen, depth + 1));
      }
      for (Throwable s : t.getSuppressed()) {
        if (!seen.contains(s)) {
          c.addSuppressed(copy(s, null, seen, depth + 1));
        }
      }
    }
    return c;
  }

  /**
   * The class name of the exception the task threw.
   *
   * @return the fully qualified class name, such as {@code java.lang.IllegalStateException}
   */
  public String originalClassName() {
    return originalClassName;
  }

  /**
   * The message of the exception the task threw, or null.
   *
   * @return the original message, or null when the exception had none
   */
  public String originalMessage() {
    return originalMessage;
  }
}

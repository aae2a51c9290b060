package io.starmap.core.internal.process;

/**
 * Stands in for an exception thrown in a worker that could not be sent as it is (not serializable,
 * or of a class outside the allow-list): same class name and message, same stack trace, same chain
 * of causes.
 */
public final class RemoteTaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String originalClassName;

  private RemoteTaskException(String originalClassName, String message) {
    super(originalClassName + (message == null ? "" : ": " + message));
    this.originalClassName = originalClassName;
  }

  /** The class of the exception this stands for. */
  public String originalClassName() {
    return originalClassName;
  }

  /** A copy of {@code t} and its causes made only of strings and stack traces. */
  static RemoteTaskException of(Throwable t) {
    return of(t, 0);
  }

  private static RemoteTaskException of(Throwable t, int depth) {
    String message;
    try {
      message = t.getMessage();
    } catch (RuntimeException e) {
      message = "(getMessage failed: " + e + ")";
    }
    RemoteTaskException copy = new RemoteTaskException(t.getClass().getName(), message);
    copy.setStackTrace(t.getStackTrace());
    Throwable cause = t.getCause();
    if (cause != null && cause != t && depth < 20) {
      copy.initCause(of(cause, depth + 1));
    }
    return copy;
  }
}

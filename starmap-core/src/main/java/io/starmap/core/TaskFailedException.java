package io.starmap.core;

/**
 * A task failed. The message names the task (number, name, a short rendering of its argument and
 * where it ran); the cause is the original exception with the stack trace from where it was
 * thrown, on whatever machine that was.
 */
public final class TaskFailedException extends StarmapException {
  private static final long serialVersionUID = 1L;
  /** The failed task's number in its run. */
  private final long taskNo;
  /** The failed task's name. */
  private final String taskName;
  /** Where the failed task ran. */
  private final String workerId;

  /**
   * Creates the exception.
   *
   * @param taskNo the failed task's number
   * @param taskName the failed task's name
   * @param argsSummary a short rendering of its argument
   * @param workerId where it ran
   * @param cause the original failure
   */
  public TaskFailedException(
      long taskNo, String taskName, String argsSummary, String workerId, Throwable cause) {
    super(
        "task " + taskName + "#" + taskNo + "(" + argsSummary + ") failed on " + workerId + ": "
            + describe(cause),
        cause);
    this.taskNo = taskNo;
    this.taskName = taskName;
    this.workerId = workerId;
  }

  private static String describe(Throwable cause) {
    if (cause == null) {
      return "unknown cause";
    }
    String message = cause.getMessage();
    if (cause instanceof RemoteTaskException) {
      return message; // already "original class: message (why)"
    }
    return cause.getClass().getName() + (message == null ? "" : ": " + message);
  }

  /**
   * The failed task's number.
   *
   * @return the task's number in its run, 0 or more
   */
  public long taskNo() {
    return taskNo;
  }

  /**
   * The failed task's name.
   *
   * @return the task's name, as given to the starmap
   */
  public String taskName() {
    return taskName;
  }

  /**
   * Where the failed task ran.
   *
   * @return the worker id, such as {@code host:pid/thread} or a cluster member
   */
  public String workerId() {
    return workerId;
  }
}

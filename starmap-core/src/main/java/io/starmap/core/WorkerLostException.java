package io.starmap.core;

/**
 * A worker (a process or a cluster member) disappeared while it ran a task: killed, crashed,
 * exited or left the cluster. The message names the worker and the task.
 */
public final class WorkerLostException extends StarmapException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which worker was lost, and which task it was running
   */
  public WorkerLostException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message which worker was lost, and which task it was running
   * @param cause what revealed the loss, such as the I/O error of the worker's pipe; may be null
   */
  public WorkerLostException(String message, Throwable cause) {
    super(message, cause);
  }
}

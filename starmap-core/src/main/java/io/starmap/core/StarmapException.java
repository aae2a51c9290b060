package io.starmap.core;

/** The root of Starmap's unchecked exceptions. Messages say what failed and where. */
public class StarmapException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message.
   *
   * @param message what failed, naming the task, worker, file or setting involved
   */
  public StarmapException(String message) {
    super(message);
  }

  /**
   * An exception with a message and the original cause.
   *
   * @param message what failed, naming the task, worker, file or setting involved
   * @param cause the exception that caused this one; may be null
   */
  public StarmapException(String message, Throwable cause) {
    super(message, cause);
  }
}

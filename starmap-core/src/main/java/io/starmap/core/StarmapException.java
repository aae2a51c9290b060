package io.starmap.core;

/** The root of Starmap's unchecked exceptions. Messages say what failed and where. */
public class StarmapException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message. */
  public StarmapException(String message) {
    super(message);
  }

  /** An exception with a message and the original cause. */
  public StarmapException(String message, Throwable cause) {
    super(message, cause);
  }
}

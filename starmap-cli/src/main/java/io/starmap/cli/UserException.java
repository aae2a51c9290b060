package io.starmap.cli;

/**
 * An error caused by the user's input or environment (a bad file, an unreachable database): printed
 * as one line, no stack trace unless {@code --verbose}, exit code 1 unless said otherwise.
 */
public final class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  /** An error with exit code 1. */
  public UserException(String message) {
    this(message, null, 1);
  }

  /** An error with exit code 1 and its cause (shown with --verbose). */
  public UserException(String message, Throwable cause) {
    this(message, cause, 1);
  }

  /** An error with an explicit exit code. */
  public UserException(String message, Throwable cause, int exitCode) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code. */
  public int exitCode() {
    return exitCode;
  }
}

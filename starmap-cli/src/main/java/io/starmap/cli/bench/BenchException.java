package io.starmap.cli.bench;

/** A benchmark step that failed: which command, with the end of its output. */
public final class BenchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with its message. */
  public BenchException(String message) {
    super(message);
  }

  /** An error with its message and cause. */
  public BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}

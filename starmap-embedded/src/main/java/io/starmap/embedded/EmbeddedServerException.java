package io.starmap.embedded;

/**
 * The embedded PostgreSQL cannot be started, stopped or reached; the message names the directory
 * or log to look at, and {@link #reason()} tells whether another server would help.
 */
public class EmbeddedServerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the embedded server failed, for a caller that offers another way (a server by URL). */
  public enum Reason {
    /** The binaries are for Linux x86-64 only: another machine needs a server of its own. */
    UNSUPPORTED_PLATFORM,
    /** Running as root, and {@code unshare -U} (to run PostgreSQL unprivileged) does not work. */
    CANNOT_RUN_AS_ROOT,
    /** Anything else: a start, a stop, a file or a process failed; the message says which. */
    FAILED
  }

  private final Reason reason;

  /**
   * A failure of the embedded server.
   *
   * @param reason why it failed
   * @param message what failed, naming the directory or log to look at
   * @param cause the underlying failure, or null
   */
  public EmbeddedServerException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * Why the embedded server failed.
   *
   * @return the reason; {@link Reason#FAILED} unless another server is the remedy
   */
  public Reason reason() {
    return reason;
  }
}

package io.starmap.importer.db;

import io.starmap.core.StarmapException;

/**
 * A database could not be reached, started or logged into. The message is one line that names the
 * host and port (never the password), for example {@code cannot connect to PostgreSQL at
 * 127.0.0.1:1 (database none): Connection refused}.
 */
public class DatabaseUnavailableException extends StarmapException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a one-line message.
   *
   * @param message one line naming the server or URL (redacted) and what failed
   */
  public DatabaseUnavailableException(String message) {
    super(message);
  }

  /**
   * An exception with a one-line message and its cause.
   *
   * @param message one line naming the server or URL (redacted) and what failed
   * @param cause the driver's or the process's error; may be null
   */
  public DatabaseUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

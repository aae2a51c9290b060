package io.starmap.importer.internal;

import java.sql.SQLException;

/** The task's input needs CSV text COPY. */
final class BinaryFallback extends Exception {
  private static final long serialVersionUID = 1L;

  BinaryFallback(Throwable cause) {
    super(cause.getMessage(), cause, false, false);
  }

  /** Why, in a few words from a small set (for the task's counters). */
  String reason() {
    return getCause() instanceof SQLException e ? "server error " + e.getSQLState()
        : getMessage();
  }
}

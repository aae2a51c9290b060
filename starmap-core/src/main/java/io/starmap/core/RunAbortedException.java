package io.starmap.core;

/**
 * A run stopped before its end because the master was interrupted (Ctrl-C) or the run was
 * cancelled. The interrupt flag of the thread that received it has been restored.
 */
public final class RunAbortedException extends StarmapException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why the run stopped, and how many tasks were done
   * @param cause the interruption or failure that stopped it; may be null
   */
  public RunAbortedException(String message, Throwable cause) {
    super(message, cause);
  }
}

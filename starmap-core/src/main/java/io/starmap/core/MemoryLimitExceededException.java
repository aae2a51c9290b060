package io.starmap.core;

/**
 * The memory guard stopped a run, or a worker, before the JVM or the operating system would have
 * killed it. Running out of memory early is a feature: the message says how much was used of what.
 */
public final class MemoryLimitExceededException extends StarmapException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which limit was exceeded, by how much, and what was running
   */
  public MemoryLimitExceededException(String message) {
    super(message);
  }
}

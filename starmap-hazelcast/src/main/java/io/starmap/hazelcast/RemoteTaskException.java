package io.starmap.hazelcast;

import io.starmap.core.StarmapException;

/**
 * A copy of an exception thrown by a task on a cluster member, used when the original cannot
 * travel to the master: its class is not serializable, or not in the master's deserialization
 * allow-list. It keeps the original's class name, message and stack trace (the remote frames),
 * and its causes are copied the same way.
 */
public final class RemoteTaskException extends StarmapException {
  private static final long serialVersionUID = 1L;
  private final String originalClassName;

  /**
   * Creates the copy.
   *
   * @param originalClassName the class name of the exception the task threw
   * @param originalMessage its message, may be null
   */
  public RemoteTaskException(String originalClassName, String originalMessage) {
    super(originalMessage == null ? originalClassName : originalClassName + ": " + originalMessage);
    this.originalClassName = originalClassName;
  }

  /** The class name of the exception the task threw. */
  public String originalClassName() {
    return originalClassName;
  }
}

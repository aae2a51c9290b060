package io.starmap.core;

/** How a task ended. */
public enum TaskStatus {
  /** The task returned a value. */
  SUCCEEDED,
  /** The task threw, or its worker was lost. */
  FAILED,
  /** The task was cancelled before or while it ran. */
  CANCELLED
}

package io.starmap.core;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one task, as the master receives it: its value or its failure, and its metrics.
 *
 * @param taskNo the task's number in its run
 * @param args a short rendering of the task's argument
 * @param value the result, or null when the task did not succeed
 * @param failure the failure (a {@link TaskFailedException} naming the task), or null
 * @param metrics what the task cost
 * @param operations the task's monitored operations
 * @param <R> the result type
 */
public record Outcome<R>(
    long taskNo,
    String args,
    R value,
    TaskFailedException failure,
    TaskMetrics metrics,
    List<OperationStats> operations) {

  /** Validates and copies. */
  public Outcome {
    Objects.requireNonNull(metrics, "metrics");
    operations = List.copyOf(operations);
  }

  /**
   * True when the task returned a value.
   *
   * @return true on success, false when the task threw
   */
  public boolean succeeded() {
    return metrics.status() == TaskStatus.SUCCEEDED;
  }

  /**
   * The value of a successful task.
   *
   * @return the task's result; may be null when the task returned null
   * @throws TaskFailedException when the task failed
   */
  public R get() {
    if (failure != null) {
      throw failure;
    }
    return value;
  }
}

package io.starmap.core;

import java.util.List;

/**
 * Receives the records of a run on the master: the store implements it to keep calculations.
 *
 * <p>All calls come from the thread that consumes the run's outcomes, in order: {@code runStarted},
 * then {@code taskCompleted} for every outcome, then {@code runEnded}. An exception thrown by a
 * recorder is logged and ignored: instrumentation never breaks the main path.
 */
public interface Recorder {

  /**
   * A run started.
   *
   * @param info the run's name, executor, workers and start time
   */
  default void runStarted(RunInfo info) {}

  /**
   * A task ended (successfully or not), with its monitored operations.
   *
   * @param metrics what the task cost and how it ended
   * @param operations the operations the task measured with its monitor; empty when none
   */
  default void taskCompleted(TaskMetrics metrics, List<OperationStats> operations) {}

  /**
   * A line for the calculation's log.
   *
   * @param level the severity of the line
   * @param message the line, without a line terminator
   */
  default void log(System.Logger.Level level, String message) {}

  /**
   * The run ended; {@code failure} is null when it completed.
   *
   * @param summary the counts and times of the run
   * @param failure the exception that ended the run early, or null when it completed
   */
  default void runEnded(RunSummary summary, Throwable failure) {}

  /**
   * A recorder that keeps nothing.
   *
   * @return a recorder whose methods all do nothing
   */
  static Recorder none() {
    return NoRecorder.INSTANCE;
  }
}

enum NoRecorder implements Recorder {
  INSTANCE
}

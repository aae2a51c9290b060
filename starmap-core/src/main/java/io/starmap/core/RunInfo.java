package io.starmap.core;

/**
 * What a recorder learns when a run starts.
 *
 * @param runId a unique id of the run
 * @param taskName the name of the task
 * @param executor the executor's name ({@code no}, {@code threads}, ...)
 * @param workers how many workers the executor has
 * @param maxInFlight the back-pressure bound
 * @param startEpochMillis when the run started
 * @param expectedTasks how many tasks the run will have when its argument source knows its size
 *     (a collection, say), else -1; what a live view needs for a percentage and an ETA
 */
public record RunInfo(
    String runId, String taskName, String executor, int workers, int maxInFlight,
    long startEpochMillis, long expectedTasks) {

  /**
   * A run whose number of tasks is not known in advance.
   *
   * @param runId a unique id of the run
   * @param taskName the name of the task
   * @param executor the executor's name
   * @param workers how many workers the executor has
   * @param maxInFlight the back-pressure bound
   * @param startEpochMillis when the run started
   */
  public RunInfo(String runId, String taskName, String executor, int workers, int maxInFlight,
      long startEpochMillis) {
    this(runId, taskName, executor, workers, maxInFlight, startEpochMillis, -1);
  }
}

package io.starmap.core;

import io.starmap.core.internal.util.Bytes;

/**
 * What a run did, counted by the master.
 *
 * @param runId the run
 * @param taskName the task's name
 * @param executor the executor's name
 * @param workers how many workers
 * @param submitted tasks submitted, subtasks included
 * @param succeeded tasks that returned a value
 * @param failed tasks that failed
 * @param cancelled tasks cancelled or never run because the run stopped
 * @param bytesSent serialized argument bytes, summed
 * @param bytesReceived serialized result bytes, summed
 * @param wallNanos time from the first submission to the last outcome
 * @param peakHeapBytes the largest heap use the master saw
 * @param status how the run ended
 */
public record RunSummary(
    String runId, String taskName, String executor, int workers, long submitted, long succeeded,
    long failed, long cancelled, long bytesSent, long bytesReceived, long wallNanos,
    long peakHeapBytes, Status status) {

  /** How a run ended. */
  public enum Status {
    /** Every task was run. */
    COMPLETE,
    /** A task failed, or the memory guard stopped the run. */
    FAILED,
    /** The master was interrupted or the run was closed early. */
    ABORTED
  }

  /**
   * The log line of the talk: what was sent and received.
   *
   * @return one line such as {@code Sent 10 count tasks, 1.2 KB; received 10 results, 800 B}
   */
  public String transferLine() {
    return "Sent " + submitted + " " + taskName + " tasks, " + Bytes.human(bytesSent)
        + "; received " + (succeeded + failed) + " results, " + Bytes.human(bytesReceived);
  }
}

package io.starmap.core.spi;

import io.starmap.core.OperationStats;
import io.starmap.core.TaskMetrics;
import java.io.Serializable;
import java.util.List;

/**
 * What comes back from one task: its value or its error, the subtasks it asked for, its metrics
 * and its monitored operations. An executor gives exactly one reply per request it runs.
 *
 * @param taskNo the task's number
 * @param value the result, null on failure
 * @param error the original exception (its stack trace intact), or null on success
 * @param subtasks argument values the task asked to run as new tasks
 * @param metrics what the task cost
 * @param operations the task's monitored operations
 */
public record TaskReply(
    long taskNo,
    Object value,
    Throwable error,
    List<?> subtasks,
    TaskMetrics metrics,
    List<OperationStats> operations)
    implements Serializable {

  /**
   * This reply with the transfer sizes measured by a serializing executor.
   *
   * @param bytesSent the serialized size of the request sent to the worker, in bytes
   * @param bytesReceived the serialized size of this reply received from the worker, in bytes
   * @return a copy whose metrics carry the two sizes; this reply is unchanged
   */
  public TaskReply withTransfer(long bytesSent, long bytesReceived) {
    return new TaskReply(taskNo, value, error, subtasks,
        metrics.withTransfer(bytesSent, bytesReceived), operations);
  }

  /**
   * This reply with the worker's memory, measured by a process executor.
   *
   * @param rss the worker process's resident memory after the task, in bytes; 0 when unknown
   * @param peakRss the worker process's peak resident memory, in bytes; 0 when unknown
   * @return a copy whose metrics carry the two sizes; this reply is unchanged
   */
  public TaskReply withMemory(long rss, long peakRss) {
    return new TaskReply(taskNo, value, error, subtasks, metrics.withMemory(rss, peakRss),
        operations);
  }

  /**
   * This reply with another error (for example a copy of one that could not be serialized).
   *
   * @param newError the exception the reply now carries; not null
   * @return a failed copy: no value, no subtasks, the same metrics and operations
   */
  public TaskReply withError(Throwable newError) {
    return new TaskReply(taskNo, null, newError, List.of(), metrics, operations);
  }
}

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

  /** This reply with the transfer sizes measured by a serializing executor. */
  public TaskReply withTransfer(long bytesSent, long bytesReceived) {
    return new TaskReply(taskNo, value, error, subtasks,
        metrics.withTransfer(bytesSent, bytesReceived), operations);
  }

  /** This reply with the worker's memory, measured by a process executor. */
  public TaskReply withMemory(long rss, long peakRss) {
    return new TaskReply(taskNo, value, error, subtasks, metrics.withMemory(rss, peakRss),
        operations);
  }

  /** This reply with another error (for example a copy of one that could not be serialized). */
  public TaskReply withError(Throwable newError) {
    return new TaskReply(taskNo, null, newError, List.of(), metrics, operations);
  }
}

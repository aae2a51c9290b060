package io.starmap.core;

import java.io.Serializable;

/**
 * What one task cost, measured where it ran.
 *
 * @param taskNo the task's number in its run
 * @param taskName the task's name
 * @param weight the weight given to the task's argument (1 unless a weight function says)
 * @param workerId where the task ran
 * @param startEpochMillis when it started, in milliseconds since the epoch
 * @param wallNanos elapsed time
 * @param cpuNanos CPU time of the thread that ran it; on a thread running a stream of tasks shorter
 *     than 50 us, read for one task in 16 and estimated for the others from their wall time
 *     (reading the thread's CPU clock costs as much as such a task)
 * @param allocatedBytes bytes allocated by the thread that ran it
 * @param bytesSent serialized bytes of the argument sent to the worker (0 in-process)
 * @param bytesReceived serialized bytes of the result received from the worker (0 in-process)
 * @param rssBytes resident memory of the worker process after the task (0 when unknown)
 * @param peakRssBytes peak resident memory of the worker process during the task (0 when unknown)
 * @param status how the task ended
 */
public record TaskMetrics(
    long taskNo,
    String taskName,
    double weight,
    String workerId,
    long startEpochMillis,
    long wallNanos,
    long cpuNanos,
    long allocatedBytes,
    long bytesSent,
    long bytesReceived,
    long rssBytes,
    long peakRssBytes,
    TaskStatus status)
    implements Serializable {

  /**
   * This record with the transfer sizes measured by a serializing executor.
   *
   * @param sent the serialized size of the argument sent to the worker, in bytes
   * @param received the serialized size of the result received from the worker, in bytes
   * @return a copy with {@code bytesSent} and {@code bytesReceived} set; this record is unchanged
   */
  public TaskMetrics withTransfer(long sent, long received) {
    return new TaskMetrics(taskNo, taskName, weight, workerId, startEpochMillis, wallNanos,
        cpuNanos, allocatedBytes, sent, received, rssBytes, peakRssBytes, status);
  }

  /**
   * This record with the worker's memory measured by a process executor.
   *
   * @param rss the worker process's resident memory after the task, in bytes; 0 when unknown
   * @param peakRss the worker process's peak resident memory during the task, in bytes; 0 when
   *     unknown
   * @return a copy with {@code rssBytes} and {@code peakRssBytes} set; this record is unchanged
   */
  public TaskMetrics withMemory(long rss, long peakRss) {
    return new TaskMetrics(taskNo, taskName, weight, workerId, startEpochMillis, wallNanos,
        cpuNanos, allocatedBytes, bytesSent, bytesReceived, rss, peakRss, status);
  }

  /**
   * This record with another worker id.
   *
   * @param worker the new worker id, such as {@code host:pid/thread} or a cluster member
   * @return a copy with {@code workerId} replaced; this record is unchanged
   */
  public TaskMetrics withWorkerId(String worker) {
    return new TaskMetrics(taskNo, taskName, weight, worker, startEpochMillis, wallNanos,
        cpuNanos, allocatedBytes, bytesSent, bytesReceived, rssBytes, peakRssBytes, status);
  }
}

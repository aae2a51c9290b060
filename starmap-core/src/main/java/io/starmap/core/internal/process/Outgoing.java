package io.starmap.core.internal.process;

import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.spi.TaskExecutor.ReplySink;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import java.util.List;

/**
 * A task on its way: waiting in the pool or sent to a worker. Its mutable fields are guarded by
 * the pool's lock.
 */
final class Outgoing {
  final long seq;
  final String taskName;
  final long taskNo;
  final double weight;
  final DefinitionCache.Definition definition;
  final byte[] args;
  final ReplySink sink;
  boolean cancelled;
  boolean revoking;

  Outgoing(long seq, TaskRequest<?, ?> request, DefinitionCache.Definition definition,
      byte[] args, ReplySink sink) {
    this.seq = seq;
    this.taskName = request.taskName();
    this.taskNo = request.taskNo();
    this.weight = request.weight();
    this.definition = definition;
    this.args = args;
    this.sink = sink;
  }

  String label() {
    return taskName + "#" + taskNo;
  }

  /** The reply of this task when it could not run or its worker was lost: {@code error}. */
  TaskReply lostReply(String workerId, Throwable error) {
    TaskMetrics m = new TaskMetrics(taskNo, taskName, weight, workerId,
        System.currentTimeMillis(), 0, 0, 0, args.length, 0, 0, 0, TaskStatus.FAILED);
    return new TaskReply(taskNo, null, error, List.of(), m, List.of());
  }
}

package io.starmap.hazelcast;

import io.starmap.core.spi.TaskExecutor.ReplySink;
import io.starmap.core.spi.TaskRequest;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Future;

/**
 * One dispatch of one task to one target. Re-running the task elsewhere is a new attempt with a
 * new call id; calling the same member again after a lost connection keeps the call id, so that
 * the member answers with the first run's reply instead of running the task twice.
 */
final class Attempt {
  final String key;
  final String callId;
  final TaskRequest<?, ?> request;
  final ReplySink sink;
  final byte[] payload;
  final Target target;
  final List<Target> lost;
  final int calls;
  final long startMillis;
  final long startNanos;
  volatile Future<?> future;
  volatile boolean cancelled;

  Attempt(TaskRequest<?, ?> request, ReplySink sink, byte[] payload, Target target,
      List<Target> lost) {
    this.key = request.runId() + "#" + request.taskNo();
    this.callId = key + "/" + UUID.randomUUID();
    this.request = request;
    this.sink = sink;
    this.payload = payload;
    this.target = target;
    this.lost = lost;
    this.calls = 1;
    this.startMillis = System.currentTimeMillis();
    this.startNanos = System.nanoTime();
  }

  /** The same call made again. */
  Attempt(Attempt first) {
    this.key = first.key;
    this.callId = first.callId;
    this.request = first.request;
    this.sink = first.sink;
    this.payload = first.payload;
    this.target = first.target;
    this.lost = first.lost;
    this.calls = first.calls + 1;
    this.startMillis = first.startMillis;
    this.startNanos = first.startNanos;
  }

  /** The task, as messages name it: {@code name#number}. */
  String task() {
    return request.taskName() + "#" + request.taskNo();
  }
}

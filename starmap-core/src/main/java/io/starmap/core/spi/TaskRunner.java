package io.starmap.core.spi;

import io.starmap.core.OperationStats;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.internal.CpuSampler;
import io.starmap.core.internal.Host;
import io.starmap.core.internal.Jfr;
import io.starmap.core.internal.TaskEvent;
import io.starmap.core.internal.TaskMonitor;
import io.starmap.core.internal.util.ThreadMeter;

/**
 * Runs one task where it executes, with the instrumentation every executor shares: wall and CPU
 * time (sampled for streams of very short tasks), allocated bytes, the {@code total <task name>}
 * operation, the task's own operations, its subtasks, a JDK Flight Recorder event, and the
 * exception (never thrown, always returned).
 */
public final class TaskRunner {
  /** The last task name seen and its {@code total} operation's name; any thread replaces it. */
  private static volatile TotalName lastTotal = new TotalName("", "total ");

  private record TotalName(String task, String total) {}

  private TaskRunner() {}

  /** {@code "total " + taskName}, without building the string again for each task of a stream. */
  private static String totalName(String taskName) {
    TotalName last = lastTotal;
    if (!last.task().equals(taskName)) {
      last = new TotalName(taskName, "total " + taskName);
      lastTotal = last; // a race only builds the name once more
    }
    return last.total();
  }

  /**
   * This JVM as task records name it. An executor whose JVM runs tasks on several threads appends
   * {@code /thread} to tell them apart, as the built-in ones do.
   *
   * @return {@code host:pid}: the {@code HOSTNAME} variable (else the local host's name) and this
   *     process's id
   */
  public static String processId() {
    return Host.NAME + ":" + Host.PID;
  }

  /**
   * Runs {@code request} in the current thread.
   *
   * @param request the task
   * @param workerId where it runs, recorded in its metrics
   * @param <A> the task's argument type
   * @param <R> the task's result type
   * @return its reply; a task that throws gives a reply with the exception
   */
  public static <A, R> TaskReply run(TaskRequest<A, R> request, String workerId) {
    CpuSampler sampler = CpuSampler.current();
    boolean exactCpu = sampler.exactNext();
    TaskMonitor<A> monitor = new TaskMonitor<>(request.taskNo(), workerId, sampler, exactCpu);
    // Created only when Flight Recorder is on: loading the event class costs start-up time.
    TaskEvent event = null;
    if (Jfr.on()) {
      event = new TaskEvent();
      event.begin();
    }
    long startMillis = System.currentTimeMillis();
    long wall0 = System.nanoTime();
    long cpu0 = exactCpu ? ThreadMeter.cpuNanos() : 0;
    long alloc0 = ThreadMeter.allocatedBytes();
    Object value = null;
    Throwable error = null;
    try {
      value = request.task().call(request.args(), monitor);
    } catch (Throwable t) {
      error = t;
      if (t instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
    long alloc = ThreadMeter.allocatedBytes() - alloc0;
    long cpu = exactCpu ? ThreadMeter.cpuNanos() - cpu0 : 0;
    long wall = System.nanoTime() - wall0;
    if (!exactCpu) {
      cpu = sampler.estimate(wall);
    }
    sampler.update(wall, cpu, exactCpu);
    TaskStatus status = error == null ? TaskStatus.SUCCEEDED
        : (error instanceof InterruptedException ? TaskStatus.CANCELLED : TaskStatus.FAILED);
    TaskMetrics metrics = new TaskMetrics(request.taskNo(), request.taskName(), request.weight(),
        workerId, startMillis, wall, cpu, alloc, 0, 0, 0, 0, status);
    OperationStats total = new OperationStats(request.taskNo(), totalName(request.taskName()),
        1, wall, cpu, alloc, 0);
    if (event != null) {
      commit(event, request, workerId, cpu, alloc, error != null);
    }
    return new TaskReply(request.taskNo(), value, error,
        error == null ? monitor.subtasks() : java.util.List.of(), metrics,
        monitor.operations(total));
  }

  private static void commit(TaskEvent event, TaskRequest<?, ?> request, String workerId,
      long cpu, long alloc, boolean failed) {
    event.end();
    if (event.shouldCommit()) {
      event.taskName = request.taskName();
      event.taskNo = request.taskNo();
      event.runId = request.runId();
      event.worker = workerId;
      event.weight = request.weight();
      event.cpuNanos = cpu;
      event.allocatedBytes = alloc;
      event.failed = failed;
      event.commit();
    }
  }
}

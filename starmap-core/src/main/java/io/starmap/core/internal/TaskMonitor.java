package io.starmap.core.internal;

import io.starmap.core.OperationStats;
import io.starmap.core.TaskContext;
import io.starmap.core.internal.util.OpenMeasurement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitor and context of one running task. Operations are accumulated per name; the lock is
 * uncontended in the usual case (one thread per task) and makes the rare helper thread safe.
 */
public final class TaskMonitor<A> implements TaskContext<A> {
  private final long taskNo;
  private final String workerId;
  private Map<String, long[]> operations; // created by the first operation: most tasks have none
  private List<A> subtasks;
  private final CpuSampler cpuSampler;
  private final boolean exactCpu;
  private static final int CALLS = 0, WALL = 1, CPU = 2, ALLOC = 3, COUNT = 4;

  /** A monitor for task {@code taskNo} running on {@code workerId}, reading the CPU clock. */
  public TaskMonitor(long taskNo, String workerId) {
    this(taskNo, workerId, null, true);
  }

  /**
   * A monitor whose operations read the CPU clock when {@code exactCpu}, else estimate CPU time
   * with {@code sampler} (see {@link CpuSampler}).
   */
  public TaskMonitor(long taskNo, String workerId, CpuSampler sampler, boolean exactCpu) {
    this.taskNo = taskNo;
    this.workerId = workerId;
    this.cpuSampler = sampler;
    this.exactCpu = exactCpu || sampler == null;
  }

  @Override
  public long taskNo() {
    return taskNo;
  }

  @Override
  public String workerId() {
    return workerId;
  }

  @Override
  public synchronized void submit(A args) {
    if (subtasks == null) {
      subtasks = new ArrayList<>();
    }
    subtasks.add(args);
  }

  /** The subtasks asked for so far. */
  public synchronized List<A> subtasks() {
    return subtasks == null ? List.of() : List.copyOf(subtasks);
  }

  @Override
  public Measurement measure(String operation) {
    if (operation == null || operation.isBlank()) {
      throw new IllegalArgumentException("operation name must not be blank: '" + operation + "'");
    }
    return new Open(operation);
  }

  @Override
  public void count(String operation, long count) {
    add(operation, 0, 0, 0, 0, count);
  }

  synchronized void add(String op, long calls, long wall, long cpu, long alloc, long count) {
    if (operations == null) {
      operations = new LinkedHashMap<>();
    }
    long[] row = operations.computeIfAbsent(op, k -> new long[5]);
    row[CALLS] += calls;
    row[WALL] += wall;
    row[CPU] += cpu;
    row[ALLOC] += alloc;
    row[COUNT] += count;
  }

  /** {@code total} if given, then the operations measured so far; unmodifiable. */
  public synchronized List<OperationStats> operations(OperationStats total) {
    if (operations == null) {
      return total == null ? List.of() : List.of(total);
    }
    List<OperationStats> out = new ArrayList<>(operations.size() + 1);
    if (total != null) {
      out.add(total);
    }
    for (Map.Entry<String, long[]> e : operations.entrySet()) {
      long[] r = e.getValue();
      out.add(new OperationStats(taskNo, e.getKey(), r[CALLS], r[WALL], r[CPU], r[ALLOC],
          r[COUNT]));
    }
    return List.copyOf(out);
  }

  private final class Open extends OpenMeasurement {
    private final String operation;
    // Only when Flight Recorder is on (see Jfr).
    private final OperationEvent event = Jfr.on() ? new OperationEvent() : null;

    Open(String operation) {
      super(exactCpu);
      this.operation = operation;
      if (event != null) {
        event.begin();
      }
    }

    @Override
    protected long estimateCpu(long wall) {
      return cpuSampler.estimate(wall);
    }

    @Override
    protected void ended(long wall, long cpu, long allocated, long count) {
      add(operation, 1, wall, cpu, allocated, count);
      if (event != null) {
        commit(event, operation, taskNo, count);
      }
    }
  }

  private static void commit(OperationEvent event, String operation, long taskNo, long count) {
    event.end();
    if (event.shouldCommit()) {
      event.operation = operation;
      event.taskNo = taskNo;
      event.count = count;
      event.commit();
    }
  }
}

package io.starmap.core.internal.process;

import io.starmap.core.OperationStats;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames between the master and a worker, over a loopback socket. Instrumentation records are
 * written field by field (fixed, cheap, no class names); only task functions, arguments, results,
 * subtasks and exceptions go through the {@link io.starmap.core.spi.Codec}.
 */
final class Wire {
  private Wire() {}

  // master -> worker
  /** long defId, UTF runId, UTF taskName, bytes task. */
  static final byte DEFINE = 1;
  /** long seq, long defId, long taskNo, double weight, bytes args. */
  static final byte TASK = 2;
  /** long defId: the definition is no longer used. */
  static final byte FORGET = 3;
  /** int n, n x UTF: the allow-list rules. */
  static final byte ALLOW = 4;
  /** Drop queued tasks, interrupt the running one, then answer DRAINED. */
  static final byte CANCEL = 5;
  /** Exit now. */
  static final byte STOP = 6;
  /** long seq: give this task back if it has not started (answered by REVOKED). */
  static final byte REVOKE = 7;

  // worker -> master
  /** long pid, long startNanos (time spent in the worker's main before it was ready). */
  static final byte HELLO = 21;
  /** long seq, metrics, operations, value or error, subtasks. */
  static final byte REPLY = 22;
  /** Every task before the CANCEL frame has been dropped or has replied. */
  static final byte DRAINED = 23;
  /** UTF reason: the worker exits after this; tasks it has not replied to go elsewhere. */
  static final byte RETIRE = 24;
  /** long seq: the task was still queued and will not run here. */
  static final byte REVOKED = 25;

  static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static byte[] readBytes(DataInput in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("corrupt frame: negative length " + n);
    }
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return bytes;
  }

  static void writeMetrics(DataOutput out, TaskMetrics m) throws IOException {
    out.writeLong(m.taskNo());
    out.writeUTF(m.taskName());
    out.writeDouble(m.weight());
    out.writeUTF(m.workerId());
    out.writeLong(m.startEpochMillis());
    out.writeLong(m.wallNanos());
    out.writeLong(m.cpuNanos());
    out.writeLong(m.allocatedBytes());
    out.writeLong(m.rssBytes());
    out.writeLong(m.peakRssBytes());
    out.writeByte(m.status().ordinal());
  }

  static TaskMetrics readMetrics(DataInput in) throws IOException {
    long taskNo = in.readLong();
    String taskName = in.readUTF();
    double weight = in.readDouble();
    String workerId = in.readUTF();
    long start = in.readLong();
    long wall = in.readLong();
    long cpu = in.readLong();
    long alloc = in.readLong();
    long rss = in.readLong();
    long peak = in.readLong();
    TaskStatus status = TaskStatus.values()[in.readByte()];
    return new TaskMetrics(taskNo, taskName, weight, workerId, start, wall, cpu, alloc, 0, 0, rss,
        peak, status);
  }

  static void writeOperations(DataOutput out, List<OperationStats> ops) throws IOException {
    out.writeInt(ops.size());
    for (OperationStats op : ops) {
      out.writeUTF(op.operation());
      out.writeLong(op.calls());
      out.writeLong(op.wallNanos());
      out.writeLong(op.cpuNanos());
      out.writeLong(op.allocatedBytes());
      out.writeLong(op.count());
    }
  }

  static List<OperationStats> readOperations(DataInput in, long taskNo) throws IOException {
    int n = in.readInt();
    List<OperationStats> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ops.add(new OperationStats(taskNo, in.readUTF(), in.readLong(), in.readLong(),
          in.readLong(), in.readLong(), in.readLong()));
    }
    return ops;
  }
}

package io.starmap.core.internal.process;

import io.starmap.core.OperationStats;
import io.starmap.core.StarmapException;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.spi.Codec;
import io.starmap.core.spi.TaskReply;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads one worker's frames until its socket ends, on a thread of its own: replies (decoded
 * outside the pool's lock, and handed to their sink outside it too, after the next tasks have
 * left), the end of a cancel, a task given back, and a worker's wish to retire.
 */
final class WorkerReader implements Runnable {
  private static final System.Logger LOG = System.getLogger("io.starmap.processes");

  private final WorkerPool pool;
  private final Dispatcher dispatcher;
  private final Codec codec;
  private final Worker w;
  private final DataInputStream in;

  WorkerReader(WorkerPool pool, Dispatcher dispatcher, Codec codec, Worker w,
      DataInputStream in) {
    this.pool = pool;
    this.dispatcher = dispatcher;
    this.codec = codec;
    this.w = w;
    this.in = in;
  }

  @Override
  public void run() {
    try {
      while (true) {
        byte type = in.readByte();
        switch (type) {
          case Wire.REPLY -> reply();
          case Wire.DRAINED -> {
            synchronized (pool) {
              dispatcher.drainedLocked(w);
              pool.notifyAll();
            }
          }
          case Wire.REVOKED -> {
            long seq = in.readLong();
            synchronized (pool) {
              dispatcher.revokedLocked(w, seq);
            }
          }
          case Wire.RETIRE -> {
            String reason = in.readUTF();
            synchronized (pool) {
              LOG.log(Level.INFO, w.describe() + " retires: " + reason);
              w.planned = true;
              if (w.state != Worker.State.DEAD) {
                w.state = Worker.State.RETIRING;
              }
              pool.replaceLocked(w);
            }
          }
          default -> throw new IOException("unknown frame type " + type + " from " + w.name);
        }
        pool.flushAll();
      }
    } catch (IOException | RuntimeException e) {
      // End of the socket: the worker exited or is exiting; make sure of it.
      Process p = w.process;
      try {
        if (p != null && !p.waitFor(1, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void reply() throws IOException {
    long seq = in.readLong();
    TaskMetrics metrics = Wire.readMetrics(in);
    List<OperationStats> ops = Wire.readOperations(in, metrics.taskNo());
    boolean ok = in.readBoolean();
    byte[] payload = Wire.readBytes(in);
    byte[] subtaskBytes = Wire.readBytes(in);
    Object value = null;
    Throwable error = null;
    List<?> subtasks = List.of();
    try {
      if (ok) {
        value = codec.decode(payload);
        if (subtaskBytes.length > 0) {
          subtasks = (List<?>) codec.decode(subtaskBytes);
        }
      } else {
        error = (Throwable) codec.decode(payload);
      }
    } catch (RuntimeException e) {
      error = new StarmapException("the master cannot read what " + w.describe()
          + " sent back for " + metrics.taskName() + "#" + metrics.taskNo() + ": "
          + e.getMessage(), e);
      value = null;
      subtasks = List.of();
    }
    if (error != null && metrics.status() == TaskStatus.SUCCEEDED) {
      metrics = failed(metrics);
    }
    Outgoing t;
    synchronized (pool) {
      t = dispatcher.repliedLocked(w, seq);
    }
    pool.flushAll(); // the next tasks leave before this reply is handled
    if (t == null || t.cancelled) {
      return;
    }
    TaskReply reply = new TaskReply(metrics.taskNo(), value, error, subtasks, metrics, ops)
        .withTransfer(t.args.length, payload.length * (ok ? 1L : 0L) + subtaskBytes.length);
    t.sink.accept(reply);
  }

  private static TaskMetrics failed(TaskMetrics m) {
    return new TaskMetrics(m.taskNo(), m.taskName(), m.weight(), m.workerId(),
        m.startEpochMillis(), m.wallNanos(), m.cpuNanos(), m.allocatedBytes(), m.bytesSent(),
        m.bytesReceived(), m.rssBytes(), m.peakRssBytes(), TaskStatus.FAILED);
  }
}

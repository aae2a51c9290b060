package io.starmap.core.internal.process;

import io.starmap.core.WorkerLostException;
import io.starmap.core.spi.TaskExecutor.ReplySink;
import io.starmap.core.spi.TaskRequest;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Which task goes to which worker: the tasks waiting in the pool, their assignment to the ready
 * worker with the fewest in flight (up to {@code pipelineDepth} each), the stealing of a task
 * queued behind a long one, and the bookkeeping of what each worker runs. Every method named
 * {@code ...Locked} runs under the pool's lock, which guards all of this; frames are only queued
 * here, in the order the worker will run them, and written by the {@link FrameWriter} after.
 */
final class Dispatcher {
  private static final System.Logger LOG = System.getLogger("io.starmap.processes");
  private static final long DRAIN_MILLIS = 2_000;
  private static final long STEAL_AFTER_NANOS = 5_000_000;

  private final WorkerPool pool;
  private final List<Worker> workers;
  private final int pipelineDepth;
  private final int maxTasksPerWorker;
  private final ArrayDeque<Outgoing> pending = new ArrayDeque<>();
  private long nextSeq;
  private long tasksRun;
  private boolean stealScheduled;

  Dispatcher(WorkerPool pool, List<Worker> workers, PoolConfig config) {
    this.pool = pool;
    this.workers = workers;
    this.pipelineDepth = config.pipelineDepth();
    this.maxTasksPerWorker = config.maxTasksPerWorker();
  }

  /** Queues a task behind the waiting ones and sends what it can. */
  void submitLocked(TaskRequest<?, ?> request, DefinitionCache.Definition definition,
      byte[] args, ReplySink sink) {
    pending.addLast(new Outgoing(nextSeq++, request, definition, args, sink));
    assignLocked();
  }

  /**
   * Sends waiting tasks to ready workers, fewest in flight first. A worker is refilled once half
   * its pipeline has drained, and then up to its depth: the tasks travel several to a write. Topped
   * up one task per reply, every empty task cost a socket write and a wake-up on each side.
   */
  void assignLocked() {
    int refillBelow = pipelineDepth / 2;
    boolean sent = false;
    while (!pending.isEmpty()) {
      Worker best = null;
      for (Worker w : workers) {
        int n = w.outstanding.size();
        if (w.state == Worker.State.READY && n < pipelineDepth && (n <= refillBelow || w.refilling)
            && (best == null || n < best.outstanding.size())) {
          best = w;
        }
      }
      if (best == null) {
        break;
      }
      best.refilling = true;
      sent = true;
      sendLocked(best, pending.pollFirst());
    }
    if (sent) {
      for (Worker w : workers) {
        w.refilling = false;
      }
    }
    if (pending.isEmpty()) {
      stealLocked();
    }
  }

  /**
   * Pipelining queues tasks behind a running one; when that one runs long while another worker
   * is idle, the queued tasks are taken back (if they have not started) and sent to the idle
   * worker, so that a long task never holds up short ones.
   */
  private void stealLocked() {
    boolean idle = false;
    for (Worker w : workers) {
      if (w.state == Worker.State.READY && w.outstanding.isEmpty()) {
        idle = true;
        break;
      }
    }
    if (!idle || pool.closed) {
      return;
    }
    long now = System.nanoTime();
    boolean later = false;
    for (Worker v : workers) {
      if (v.state != Worker.State.READY || v.outstanding.size() < 2) {
        continue;
      }
      if (now - v.lastProgressNanos < STEAL_AFTER_NANOS) {
        later = true;
        continue;
      }
      Outgoing victim = null;
      for (Outgoing t : v.outstanding.values()) {
        victim = t; // the last one sent: the least likely to have started
      }
      if (victim == null || victim.revoking || victim.cancelled) {
        continue;
      }
      victim.revoking = true;
      v.toSend.add(new FrameWriter.Control(Wire.REVOKE, victim.seq));
    }
    if (later && !stealScheduled) {
      stealScheduled = true;
      WorkerPool.TIMER.schedule(() -> {
        synchronized (pool) {
          stealScheduled = false;
          stealLocked();
        }
        pool.flushAll();
      }, STEAL_AFTER_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  private void sendLocked(Worker w, Outgoing t) {
    if (w.outstanding.isEmpty()) {
      w.lastProgressNanos = System.nanoTime(); // it starts this task now
    }
    w.outstanding.put(t.seq, t);
    w.sent++;
    w.toSend.add(t);
    if (maxTasksPerWorker > 0 && w.sent >= maxTasksPerWorker) {
      w.state = Worker.State.RETIRING;
      w.planned = true;
      pool.replaceLocked(w);
    }
  }

  /** {@code w} answered task {@code seq}: the task, or null if it was not waited for. */
  Outgoing repliedLocked(Worker w, long seq) {
    Outgoing t = w.outstanding.remove(seq);
    w.lastProgressNanos = System.nanoTime();
    if (t != null && !t.cancelled) {
      tasksRun++;
    }
    stopIfRetiredLocked(w);
    assignLocked();
    return t;
  }

  /** {@code w} dropped its tasks, as asked by {@link #cancelAllLocked}. */
  void drainedLocked(Worker w) {
    w.outstanding.clear();
    w.drainsReceived++;
    if (w.state == Worker.State.DRAINING) {
      w.state = Worker.State.READY;
    }
    stopIfRetiredLocked(w);
    assignLocked();
  }

  /** {@code w} gave task {@code seq} back before starting it: it goes first to another. */
  void revokedLocked(Worker w, long seq) {
    Outgoing t = w.outstanding.remove(seq);
    if (t != null && !t.cancelled) {
      t.revoking = false;
      pending.addFirst(t);
    }
    stopIfRetiredLocked(w);
    assignLocked();
  }

  /** Puts the tasks of a dead worker first in line, in their order. */
  void handBackLocked(List<Outgoing> tasks) {
    for (int i = tasks.size() - 1; i >= 0; i--) {
      pending.addFirst(tasks.get(i));
    }
  }

  private void stopIfRetiredLocked(Worker w) {
    if (w.state == Worker.State.RETIRING && w.outstanding.isEmpty() && w.out != null
        && !w.stopQueued) {
      w.stopQueued = true;
      w.toSend.add(new FrameWriter.Control(Wire.STOP, 0));
    }
  }

  /** Drops waiting tasks and asks workers to drop theirs; a worker that does not is killed. */
  void cancelAllLocked() {
    pending.clear();
    for (Worker w : workers) {
      if (w.outstanding.isEmpty()
          || (w.state != Worker.State.READY && w.state != Worker.State.RETIRING)) {
        continue;
      }
      for (Outgoing t : w.outstanding.values()) {
        t.cancelled = true;
      }
      w.toSend.add(new FrameWriter.Control(Wire.CANCEL, 0));
      if (w.state == Worker.State.READY) {
        w.state = Worker.State.DRAINING;
      }
      int cancel = ++w.cancelsSent;
      WorkerPool.TIMER.schedule(() -> {
        synchronized (pool) {
          if (w.state != Worker.State.DEAD && w.drainsReceived < cancel) {
            LOG.log(Level.WARNING, w.describe() + " ignored the interruption of its task for "
                + DRAIN_MILLIS + " ms and is replaced");
            w.planned = true;
            pool.replaceLocked(w);
            w.process.destroyForcibly();
          }
        }
      }, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Whether tasks are still waiting or running. */
  boolean busyLocked() {
    if (!pending.isEmpty()) {
      return true;
    }
    for (Worker w : workers) {
      if (!w.outstanding.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Whether tasks wait for a worker. */
  boolean waitingLocked() {
    return !pending.isEmpty();
  }

  /** The tasks run to their end, cancelled ones aside. */
  long tasksRunLocked() {
    return tasksRun;
  }

  /**
   * Fails every waiting task with a {@link WorkerLostException} saying {@code why}; their sinks
   * are called outside the pool's lock, as everywhere else.
   */
  void failPendingLocked(String why) {
    List<Runnable> deliveries = new ArrayList<>();
    while (!pending.isEmpty()) {
      Outgoing t = pending.pollFirst();
      WorkerLostException lost = new WorkerLostException("task " + t.label()
          + " cannot run: " + why);
      deliveries.add(() -> t.sink.accept(t.lostReply(pool.id, lost)));
    }
    if (!deliveries.isEmpty()) {
      WorkerPool.HOUSEKEEPING.execute(() -> deliveries.forEach(Runnable::run));
    }
  }
}

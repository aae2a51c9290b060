package io.starmap.core.internal.process;

import io.starmap.core.WorkerLostException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * What the pool does when a worker JVM ends: the tasks queued behind the one it ran go to other
 * workers; the one it ran is reported lost (unless its end was planned: retired, replaced or
 * stopped) with its exit and its last output; a worker that never became ready counts as a
 * failed start; and a new worker takes its place while starts do not keep failing. All under
 * the pool's lock; replies are delivered outside it.
 */
final class WorkerDeaths {
  private static final System.Logger LOG = System.getLogger("io.starmap.processes");
  /** Failed starts in a row after which the pool stops replacing workers. */
  static final int MAX_START_FAILURES = 3;

  private final WorkerPool pool;
  private final Dispatcher dispatcher;

  WorkerDeaths(WorkerPool pool, Dispatcher dispatcher) {
    this.pool = pool;
    this.dispatcher = dispatcher;
  }

  /** {@code w}'s JVM ended: hand its tasks back, or report the one it ran as lost; replace it. */
  void died(Worker w) {
    // Let the replies it sent before dying arrive first, and its last words be read.
    for (Thread t : new Thread[] {w.reader, w.drain}) {
      if (t != null) {
        try {
          t.join(t == w.drain ? 500 : 2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    WorkerLauncher.deleteArgFile(w);
    int code = w.process.exitValue();
    List<Runnable> deliveries = new ArrayList<>();
    synchronized (pool) {
      if (w.state == Worker.State.DEAD) {
        return;
      }
      boolean wasStarting = w.state == Worker.State.STARTING;
      pool.removeLocked(w);
      List<Outgoing> left = new ArrayList<>();
      for (Outgoing t : w.outstanding.values()) {
        if (!t.cancelled) {
          left.add(t);
        }
      }
      w.outstanding.clear();
      if (wasStarting && !pool.closed) {
        failedStartLocked(w, code);
      } else if (!w.planned && !pool.closed) {
        lostLocked(w, code, left, deliveries);
      }
      dispatcher.handBackLocked(left); // the tasks queued behind go to other workers
      replaceDeadLocked(w, wasStarting);
      dispatcher.assignLocked();
      if (dispatcher.waitingLocked() && (pool.closed || pool.liveWorkers() == 0)) {
        dispatcher.failPendingLocked(pool.closed ? "the pool " + pool.id + " was stopped"
            : "no worker is left in pool " + pool.id + ": " + pool.lastStartFailure);
      }
      pool.notifyAll();
    }
    pool.flushAll();
    deliveries.forEach(Runnable::run);
  }

  private void failedStartLocked(Worker w, int code) {
    if (w.startFailure == null) {
      w.startFailure = w.describe() + " exited with code " + code + " before it was ready"
          + w.lastOutput();
    }
    pool.lastStartFailure = w.startFailure;
    pool.startFailures++;
    LOG.log(Level.WARNING, w.startFailure);
  }

  /** Reports the task {@code w} ran (the first of {@code left}, taken from it) as lost. */
  private void lostLocked(Worker w, int code, List<Outgoing> left, List<Runnable> deliveries) {
    if (!left.isEmpty()) {
      Outgoing running = left.remove(0);
      WorkerLostException lost = new WorkerLostException(w.describe() + " of pool " + pool.id
          + " was lost while running task " + running.label() + ": it " + exit(code)
          + w.lastOutput());
      deliveries.add(() -> running.sink.accept(running.lostReply(w.workerId(), lost)));
      LOG.log(Level.WARNING, lost.getMessage());
    } else {
      LOG.log(Level.WARNING, w.describe() + " of pool " + pool.id + " died while idle: it "
          + exit(code) + w.lastOutput());
    }
  }

  private void replaceDeadLocked(Worker w, boolean wasStarting) {
    if (!pool.closed && !w.replacementStarted && pool.startFailures < MAX_START_FAILURES) {
      w.replacementStarted = true;
      if (!wasStarting) {
        pool.replaced++;
      }
      pool.spawnLocked();
    }
  }

  private static String exit(int code) {
    if (code > 128 && code < 160) {
      int signal = code - 128;
      String name = switch (signal) {
        case 9 -> "SIGKILL: kill -9, or the kernel's OOM killer";
        case 15 -> "SIGTERM";
        case 6 -> "SIGABRT: a crash of the JVM";
        case 11 -> "SIGSEGV: a crash of the JVM";
        default -> "signal " + signal;
      };
      return "was killed (exit code " + code + ", " + name + ")";
    }
    if (code == 3) {
      return "exited with code 3 (the JVM ran out of memory with -XX:+ExitOnOutOfMemoryError?)";
    }
    return "exited with code " + code + " (System.exit in the task?)";
  }
}

package io.starmap.core.internal;

/**
 * How many tasks the master keeps submitted and not yet consumed.
 *
 * <p>A fixed window of {@code 2 x workers} is right for tasks of a millisecond or more, but it
 * makes every short task a hand-off between the master and a worker: each completion wakes the
 * master, which submits one task, which wakes a worker. On a quiet machine a hand-off costs a few
 * microseconds; on a busy one (a database or other jobs on the same cores, the normal case) a
 * thread woken up waits for a core for as long as the scheduler likes, and an empty task cost 60 to
 * 200 us instead of 1. The adaptive window grows while tasks are short, so that the work queued
 * ahead of the workers lasts about {@link #COVER_NANOS} whatever the task size: short tasks are
 * then handed over in batches, and long tasks keep the tight back-pressure (and the memory bound)
 * of the fixed window.
 */
final class InFlightWindow {
  /** How long the work queued ahead of all the workers should last. */
  static final long COVER_NANOS = 1_000_000L;

  private final int workers;
  private final int min;
  private final int max;
  private double meanWallNanos = -1;
  private int size;

  private InFlightWindow(int workers, int min, int max) {
    this.workers = workers;
    this.min = min;
    this.max = max;
    this.size = min;
  }

  /** Always {@code n} tasks in flight (a bound the caller chose). */
  static InFlightWindow fixed(int n) {
    return new InFlightWindow(1, n, n);
  }

  /** Between {@code min} and {@code max}, sized from the tasks' wall time on {@code workers}. */
  static InFlightWindow adaptive(int workers, int min, int max) {
    if (min < 1 || max < min) {
      throw new IllegalArgumentException("window bounds must be 1 <= min <= max, got " + min
          + " and " + max);
    }
    return new InFlightWindow(Math.max(1, workers), min, max);
  }

  /** The number of tasks that may be in flight now. */
  int size() {
    return size;
  }

  /** The largest size the window can reach. */
  int max() {
    return max;
  }

  /** Takes the wall time of a task that just completed into account. */
  void taskTook(long wallNanos) {
    if (min == max) {
      return;
    }
    double wall = Math.max(wallNanos, 1);
    // A moving mean over about 16 tasks: one slow task does not collapse the window.
    meanWallNanos = meanWallNanos < 0 ? wall : meanWallNanos + (wall - meanWallNanos) / 16;
    double wanted = workers * (COVER_NANOS / meanWallNanos);
    int target = wanted >= max ? max : Math.max(min, (int) wanted);
    // Grows by one task per completion (it doubles per window's worth of replies, as TCP's slow
    // start does), shrinks at once: the first tasks of a run, and the tasks that a failure finds
    // queued, stay few.
    size = target > size ? size + 1 : target;
  }
}

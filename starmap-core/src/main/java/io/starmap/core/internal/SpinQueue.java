package io.starmap.core.internal;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * A {@link LinkedBlockingQueue} whose {@link #take} polls for a few microseconds before it
 * parks. Trivial tasks are handed over faster than a thread can be parked and woken again: the
 * short spin saves the two context switches per task that otherwise dominate their cost (see
 * {@code TaskOverheadBenchmark}). Only an idle thread spins, and never longer than {@link
 * #spinNanos}, so long tasks pay at most that much CPU per hand-off.
 */
final class SpinQueue<E> extends LinkedBlockingQueue<E> {
  private static final long serialVersionUID = 1L;
  private final long spinNanos;

  SpinQueue(long spinNanos) {
    this.spinNanos = spinNanos;
  }

  @Override
  public E take() throws InterruptedException {
    E e = spinPoll();
    return e != null ? e : super.take();
  }

  /** An element if one arrives within the spin time, else null. */
  E spinPoll() throws InterruptedException {
    E e = poll();
    if (e != null || spinNanos <= 0) {
      return e;
    }
    long deadline = System.nanoTime() + spinNanos;
    int spins = 0;
    while (true) {
      Thread.yield();
      e = poll();
      if (e != null) {
        return e;
      }
      if ((++spins & 3) == 0) {
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        if (System.nanoTime() > deadline) {
          return null;
        }
      }
    }
  }
}

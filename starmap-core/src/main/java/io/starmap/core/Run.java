package io.starmap.core;

import java.util.Iterator;
import java.util.function.BiFunction;

/**
 * One execution of a starmap: the outcomes of its tasks, <b>in completion order</b>.
 *
 * <p>Nothing runs until the outcomes are consumed: the first call to {@code hasNext} submits up to
 * the back-pressure bound of tasks, and each outcome taken lets one more task be submitted.
 * Arguments are pulled from their source only as tasks are submitted, so a lazy source of a
 * million arguments is never held in memory. A run can be iterated once.
 *
 * <p>With {@link FailurePolicy#FAIL_FAST} (the default) the iterator throws a {@link
 * TaskFailedException} at the first failed task, after cancelling the others. An interrupt of the
 * consuming thread aborts the run with a {@link RunAbortedException}. {@link #close} stops whatever
 * still runs; use try-with-resources.
 *
 * <p>A run belongs to the thread that consumes it: call its methods from that thread only. To stop
 * it from elsewhere (a shutdown hook on Ctrl-C, a watchdog), interrupt the consuming thread; the
 * run then cancels its tasks, interrupts the running ones and throws {@link RunAbortedException}
 * with the thread's interrupt flag set.
 *
 * @param <R> the result type
 */
public interface Run<R> extends Iterable<Outcome<R>>, AutoCloseable {

  /** The outcomes in completion order; callable once. */
  @Override
  Iterator<Outcome<R>> iterator();

  /**
   * Folds the values of the successful tasks, in completion order, into {@code identity}.
   *
   * @param identity the initial accumulator, for example an empty {@code AccumMap}
   * @param accumulator combines the accumulator with one value; associative for results that do
   *     not depend on completion order
   * @param <T> the accumulator's type
   * @return the accumulator after every successful value was folded in
   */
  <T> T reduce(T identity, BiFunction<T, ? super R, T> accumulator);

  /**
   * What the run did so far; final once the outcomes are consumed or the run is closed. Its
   * status is meaningful only then (before, it reads {@code ABORTED}).
   *
   * @return the counts, times and status of the run so far
   */
  RunSummary summary();

  /** Cancels the tasks still to run; running ones are interrupted. */
  @Override
  void close();
}

package io.starmap.core.spi;

/**
 * Runs tasks somewhere: in the caller's thread, on threads, in worker processes, on a cluster. The
 * starmap drives it; users choose one by name at run time and never call it directly.
 *
 * <p>Contract, checked by the executor contract test suite for every implementation:
 *
 * <ul>
 *   <li>{@link #submit} returns quickly (except for the sequential executor, which runs the task
 *       in the caller's thread) and later calls the sink exactly once with the task's reply, from
 *       any thread, unless the task was cancelled by {@link #cancelAll}.
 *   <li>Run every task through {@link TaskRunner} where it executes, so that the instrumentation
 *       is the same everywhere.
 *   <li>A lost worker gives a reply whose error is a {@link io.starmap.core.WorkerLostException}
 *       naming the worker and the task: the master never waits for a reply that cannot come.
 *   <li>{@link #cancelAll} cancels queued tasks and interrupts running ones; {@link #close} also
 *       stops every thread and process the executor started.
 * </ul>
 */
public interface TaskExecutor extends AutoCloseable {

  /**
   * The built-in {@code threads} executor, for an executor that also runs some tasks in the
   * caller's JVM (the cluster runs them on the master when asked to).
   *
   * @param workers how many platform threads run tasks at once; positive
   * @return a new executor, which its caller closes
   * @throws IllegalArgumentException if {@code workers} is not positive
   */
  static TaskExecutor threads(int workers) {
    return io.starmap.core.internal.PoolExecutor.threads(workers);
  }

  /**
   * The executor's name, as users select it: {@code no}, {@code threads}, ...
   *
   * @return the name the executor was selected by; not blank
   */
  String name();

  /**
   * How many tasks it runs at once.
   *
   * @return the number of tasks that can run at the same time; 1 or more
   */
  int workers();

  /**
   * Runs {@code request} and passes its reply to {@code sink}.
   *
   * @param request the task to run, with its argument and its number in the run
   * @param sink where the reply goes, exactly once per request, possibly on another thread
   */
  void submit(TaskRequest<?, ?> request, ReplySink sink);

  /** Cancels every task submitted and not yet replied to; running ones are interrupted. */
  void cancelAll();

  /** Cancels what runs and releases the executor's threads, processes or connections. */
  @Override
  void close();

  /** Where replies go. Called from any thread. */
  @FunctionalInterface
  interface ReplySink {
    /**
     * Takes one reply.
     *
     * @param reply the reply of one request; never null
     */
    void accept(TaskReply reply);
  }
}

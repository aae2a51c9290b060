package io.starmap.core;

/**
 * What a running task sees of the starmap: its monitor, its identity and a way to split itself.
 *
 * @param <A> the argument type of the task, which is also the type of its subtasks
 */
public interface TaskContext<A> extends Monitor {

  /**
   * The number of this task in its run, from 0 in submission order.
   *
   * @return the task's number, 0 or more
   */
  long taskNo();

  /**
   * Where the task runs: {@code host:pid/thread} for local executors, the member for a cluster.
   *
   * @return a non-blank description of the worker, for records and error messages
   */
  String workerId();

  /**
   * Asks the master to run the same task on {@code args} as a new task, after this one ends
   * successfully. Subtasks of a failed task are dropped.
   *
   * @param args the argument of the new task; handled as if it had been submitted by the caller
   */
  void submit(A args);
}

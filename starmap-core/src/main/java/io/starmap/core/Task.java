package io.starmap.core;

import java.io.Serializable;

/**
 * A unit of work: a function of one argument value that returns a result.
 *
 * <p>A task may use its {@link TaskContext} to measure named operations ({@code try (var m =
 * ctx.measure("parse")) {...}}) and to submit subtasks, which the master queues like any other
 * argument. Tasks are {@link Serializable} so that the same code runs in worker processes and on a
 * cluster: a lambda assigned to {@code Task} is serializable when everything it captures is.
 *
 * <p>Tasks read, they do not write the calculation's records: only the master writes (shared
 * nothing). A task should react to interruption, which is how a failed or aborted run stops it.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface Task<A, R> extends Serializable {

  /**
   * Runs the task on one argument value.
   *
   * @param args the argument value of this task
   * @param context the task's monitor and subtask sink
   * @return the result, sent back to the master
   * @throws Exception any failure; it reaches the master with its original stack trace
   */
  R call(A args, TaskContext<A> context) throws Exception;

  /**
   * A task made of a plain function of its argument, for code that needs no {@link TaskContext}:
   * {@code Task.of(MyApp::work)} for a method {@code R work(A)}, or {@code Task.of((Long n) -> n *
   * n)}. The argument and result types are inferred from the function.
   *
   * @param function the work of one task; serializable when everything it captures is
   * @param <A> the argument type
   * @param <R> the result type
   * @return a task that calls {@code function} on its argument
   */
  static <A, R> Task<A, R> of(PlainFunction<A, R> function) {
    java.util.Objects.requireNonNull(function, "function");
    return (args, context) -> function.apply(args);
  }

  /**
   * A plain function of one argument value, serializable so that the task it makes runs in worker
   * processes and on a cluster.
   *
   * @param <A> the argument type
   * @param <R> the result type
   */
  @FunctionalInterface
  interface PlainFunction<A, R> extends Serializable {
    /**
     * Computes the result of one task.
     *
     * @param args the argument value of this task
     * @return the result, sent back to the master
     * @throws Exception any failure; it reaches the master with its original stack trace
     */
    R apply(A args) throws Exception;
  }
}

package io.starmap.core.spi;

import io.starmap.core.Task;
import java.io.Serializable;

/**
 * One task to run, as the master hands it to an executor. Serializable so that process and
 * cluster executors can send it as it is.
 *
 * @param runId the run it belongs to; workers drop results of runs that are over
 * @param taskName the task's name
 * @param taskNo the task's number in its run
 * @param task the function
 * @param args its argument value
 * @param weight the argument's weight
 * @param <A> the argument type
 * @param <R> the result type
 */
public record TaskRequest<A, R>(
    String runId, String taskName, long taskNo, Task<A, R> task, A args, double weight)
    implements Serializable {}

package io.starmap.core;

import java.io.Serializable;

/**
 * One monitored operation of one task: the rows of the {@code performance} view.
 *
 * <p>Every task has a {@code total <task name>} operation; nested operations are measured on their
 * own and inside their parents, so they are not to be summed with the total.
 *
 * @param taskNo the task
 * @param operation the operation's name
 * @param calls how many times it was measured in the task
 * @param wallNanos elapsed time, summed over calls
 * @param cpuNanos CPU time of the task's thread, summed over calls
 * @param allocatedBytes bytes allocated by the task's thread, summed over calls
 * @param count the user count (rows, bytes...) added with {@link Monitor.Measurement#count}
 */
public record OperationStats(
    long taskNo, String operation, long calls, long wallNanos, long cpuNanos,
    long allocatedBytes, long count)
    implements Serializable {}

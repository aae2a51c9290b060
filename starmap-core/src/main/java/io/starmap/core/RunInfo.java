package io.starmap.core;

/**
 * What a recorder learns when a run starts.
 *
 * @param runId a unique id of the run
 * @param taskName the name of the task
 * @param executor the executor's name ({@code no}, {@code threads}, ...)
 * @param workers how many workers the executor has
 * @param maxInFlight the back-pressure bound
 * @param startEpochMillis when the run started
 */
public record RunInfo(
    String runId, String taskName, String executor, int workers, int maxInFlight,
    long startEpochMillis) {}

package io.starmap.core.processes;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A pool of worker JVMs of the {@code processes} executor, as {@link ProcessPools} reports it.
 *
 * @param id the pool's id, the prefix of its workers' names ({@code p1} has {@code p1.1},
 *     {@code p1.2}...; their command lines contain {@code -Dstarmap.worker=<master pid>.p1.1})
 * @param workers how many workers it keeps
 * @param options the executor options it was made with
 * @param workerPids the process ids of its live workers
 * @param startTime how long the pool took to start, until every worker was ready
 * @param workerStartTimes for every worker started so far (replacements too), the time from the
 *     start of its JVM until it was connected, warmed up and ready
 * @param tasksRun tasks the pool has completed
 * @param workersReplaced workers replaced (lost, recycled or over their memory limit)
 * @param leased whether a run is using it now
 */
public record ProcessPoolInfo(
    String id,
    int workers,
    Map<String, String> options,
    List<Long> workerPids,
    Duration startTime,
    List<Duration> workerStartTimes,
    long tasksRun,
    int workersReplaced,
    boolean leased) {}

/**
 * The starmap: apply one {@link io.starmap.core.Task} to many argument values in parallel and take
 * the {@link io.starmap.core.Outcome}s in completion order, or reduce them.
 *
 * <ul>
 *   <li>Entry point: {@link io.starmap.core.Starmap#builder}; one execution is a {@link
 *       io.starmap.core.Run}.
 *   <li>Inside a task: {@link io.starmap.core.TaskContext} (a {@link io.starmap.core.Monitor} that
 *       can also submit subtasks).
 *   <li>Records: {@link io.starmap.core.TaskMetrics}, {@link io.starmap.core.OperationStats},
 *       {@link io.starmap.core.RunInfo}, {@link io.starmap.core.RunSummary}, {@link
 *       io.starmap.core.Progress}; they go to a {@link io.starmap.core.Recorder} and a {@link
 *       io.starmap.core.ProgressListener}.
 *   <li>Helpers: {@link io.starmap.core.Split} (arguments in blocks of similar weight) and {@link
 *       io.starmap.core.AccumMap} (an addable map, the usual reduce accumulator).
 *   <li>Failures: {@link io.starmap.core.StarmapException} and its subclasses.
 * </ul>
 *
 * <p>Executors plug in through {@link io.starmap.core.spi}; {@code io.starmap.core.internal} is
 * not API.
 */
package io.starmap.core;

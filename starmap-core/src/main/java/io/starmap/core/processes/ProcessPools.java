package io.starmap.core.processes;

import io.starmap.core.StarmapException;
import io.starmap.core.WorkerLostException;
import io.starmap.core.internal.process.Pools;
import java.util.List;
import java.util.Map;

/**
 * The pools of worker JVMs behind the {@code processes} executor. Runs use them without this
 * class: {@code Starmap.builder(...).executor("processes")} leases a pool for its worker count and
 * options, starting one if none is idle, and gives it back when the run ends.
 *
 * <p>Use {@link #warmUp} to start the workers early, before the master loads big data: the
 * workers then start small and fast, and the next run with the same workers and options finds
 * them ready.
 */
public final class ProcessPools {
  private ProcessPools() {}

  /**
   * Starts a pool (or finds an idle one) for {@code workers} workers and {@code options}, and
   * leaves it idle for the next run with the same configuration.
   *
   * @param workers how many worker JVMs; positive
   * @param options the executor options, as given to {@code Starmap.Builder.option}
   * @return the pool, with its workers' start times
   * @throws IllegalArgumentException naming an unknown or bad option
   * @throws StarmapException if the workers cannot start
   */
  public static ProcessPoolInfo warmUp(int workers, Map<String, String> options) {
    return Pools.warmUp(workers, options);
  }

  /**
   * The pools of this JVM.
   *
   * @return a snapshot of every pool not yet stopped, in the order they were started: their
   *     workers' pids, start times, task counts and replacements
   */
  public static List<ProcessPoolInfo> pools() {
    return Pools.all();
  }

  /**
   * Stops every pool and its workers (a shutdown hook does it at exit). Runs still using a pool
   * fail with a {@link WorkerLostException}.
   */
  public static void shutdown() {
    Pools.stopAll();
  }
}

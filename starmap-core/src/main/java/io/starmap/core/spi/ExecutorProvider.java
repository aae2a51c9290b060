package io.starmap.core.spi;

import java.util.Map;

/**
 * Creates executors by name. Found with {@link java.util.ServiceLoader}, so that modules such as
 * {@code starmap-hazelcast} plug in without core knowing them. Register an implementation in
 * {@code META-INF/services/io.starmap.core.spi.ExecutorProvider}.
 */
public interface ExecutorProvider {

  /**
   * The name users select, such as {@code processes} or {@code cluster}.
   *
   * @return the executor name this provider answers to; the built-in {@code no}, {@code threads}
   *     and {@code virtual} take their names first, and of two providers with one name the first
   *     found is used
   */
  String name();

  /**
   * Creates an executor for one run; the run closes it when it ends. A provider that keeps an
   * expensive pool across runs returns a handle whose {@code close} releases the pool to the next
   * run instead of stopping it.
   *
   * @param workers how many tasks to run at once; positive
   * @param options executor-specific settings (such as {@code jvmOptions} or {@code join})
   * @return a new executor, or a handle on a shared one; the caller closes it
   */
  TaskExecutor create(int workers, Map<String, String> options);
}

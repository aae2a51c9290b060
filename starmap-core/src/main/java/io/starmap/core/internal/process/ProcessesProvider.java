package io.starmap.core.internal.process;

import io.starmap.core.spi.ExecutorProvider;
import io.starmap.core.spi.TaskExecutor;
import java.util.Map;

/** Registers the {@code processes} executor: a pool of worker JVMs, kept across runs. */
public final class ProcessesProvider implements ExecutorProvider {

  @Override
  public String name() {
    return "processes";
  }

  @Override
  public TaskExecutor create(int workers, Map<String, String> options) {
    return Pools.lease(workers, options);
  }
}

package io.starmap.core.internal.process;

import io.starmap.core.spi.TaskExecutor;
import io.starmap.core.spi.TaskRequest;

/**
 * The {@code processes} executor as a run sees it: a lease of a {@link WorkerPool}. Closing it
 * cancels what is left and gives the pool back for the next run; the workers keep running.
 */
public final class ProcessExecutor implements TaskExecutor {
  private final WorkerPool pool;
  private boolean closed;

  ProcessExecutor(WorkerPool pool) {
    this.pool = pool;
  }

  @Override
  public String name() {
    return "processes";
  }

  @Override
  public int workers() {
    return pool.config.workers();
  }

  @Override
  public void submit(TaskRequest<?, ?> request, ReplySink sink) {
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("this processes executor is closed");
      }
    }
    pool.submit(request, sink);
  }

  @Override
  public void cancelAll() {
    pool.cancelAll();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (pool.busy()) {
      pool.cancelAll();
    }
    pool.forgetDefinitions();
    Pools.release(pool);
  }
}

package io.starmap.core.internal;

import io.starmap.core.spi.TaskExecutor;
import io.starmap.core.spi.TaskRequest;
import io.starmap.core.spi.TaskRunner;

/** {@code no}: every task runs in the caller's thread when submitted, for debugging and profiling. */
public final class SequentialExecutor implements TaskExecutor {

  @Override
  public String name() {
    return "no";
  }

  @Override
  public int workers() {
    return 1;
  }

  @Override
  public void submit(TaskRequest<?, ?> request, ReplySink sink) {
    sink.accept(TaskRunner.run(request, Host.currentWorkerId()));
  }

  @Override
  public void cancelAll() {}

  @Override
  public void close() {}
}

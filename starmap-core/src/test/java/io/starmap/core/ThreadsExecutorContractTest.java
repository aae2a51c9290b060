package io.starmap.core;

/** The executor contract on {@code threads}. */
class ThreadsExecutorContractTest extends ExecutorContractTest {
  @Override
  protected String executorName() {
    return "threads";
  }
}

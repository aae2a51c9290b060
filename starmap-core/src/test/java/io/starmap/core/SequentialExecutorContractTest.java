package io.starmap.core;

/** The executor contract on {@code no}. */
class SequentialExecutorContractTest extends ExecutorContractTest {
  @Override
  protected String executorName() {
    return "no";
  }

  @Override
  protected boolean runsTasksConcurrently() {
    return false;
  }
}

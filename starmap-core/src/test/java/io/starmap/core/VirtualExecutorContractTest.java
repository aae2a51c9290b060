package io.starmap.core;

/** The executor contract on {@code virtual}. */
class VirtualExecutorContractTest extends ExecutorContractTest {
  @Override
  protected String executorName() {
    return "virtual";
  }
}

package io.starmap.core;

import io.starmap.core.processes.ProcessPools;
import org.junit.jupiter.api.AfterAll;

/** The executor contract on {@code processes}: tasks run in two worker JVMs. */
class ProcessesExecutorContractIT extends ExecutorContractTest {

  @AfterAll
  static void stopPools() {
    ProcessPools.shutdown();
  }

  @Override
  protected String executorName() {
    return "processes";
  }

  @Override
  protected boolean stopsItsThreadsWhenTheRunEnds() {
    return false; // the pool, its reader threads and its workers stay for the next run
  }

  @Override
  protected boolean runsTasksInOtherJvms() {
    return true;
  }
}

package io.starmap.importer.internal;

import io.starmap.core.Idempotent;
import io.starmap.core.Task;
import io.starmap.core.TaskContext;

/**
 * The task function of one import run: loads a {@link CopyTask} with the run's {@link RunState}
 * (held here in this JVM, found by run id in {@link LocalRuns} in another one).
 *
 * <p>Idempotent thanks to the ledger: a task run again (its cluster member died mid-COPY) loads
 * only what the ledger does not record, so the cluster executor may re-run it elsewhere.
 */
public final class CopyFunction implements Task<CopyTask, TaskResult>, Idempotent {
  private static final long serialVersionUID = 1L;
  private final String runId;
  private final transient RunState state;

  /**
   * The function of the run whose state is {@code state}; registers that state in this JVM
   * (until {@link RunState#close}) for tasks that arrive here deserialized.
   *
   * @param state the run's state in the importing JVM
   */
  public CopyFunction(RunState state) {
    this.runId = state.runId();
    this.state = state;
    LocalRuns.register(state);
  }

  @Override
  public TaskResult call(CopyTask task, TaskContext<CopyTask> ctx) throws Exception {
    RunState s = state != null ? state : LocalRuns.of(runId);
    return CopyAttempt.run(task, ctx, s);
  }
}

package io.starmap.importer;

import io.starmap.core.FailurePolicy;
import io.starmap.core.Outcome;
import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.TaskFailedException;
import io.starmap.importer.internal.CopyFunction;
import io.starmap.importer.internal.CopyTask;
import io.starmap.importer.internal.Piece;
import io.starmap.importer.internal.Planner;
import io.starmap.importer.internal.RejectsFile;
import io.starmap.importer.internal.RunState;
import io.starmap.importer.internal.TaskResult;
import io.starmap.importer.internal.TaskSource;
import io.starmap.store.StarmapHome;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The load stage of an {@link ImportRun}: submits the plan's tasks to the executor, takes their
 * outcomes in order (totals, rejected rows to the rejects file, progress), and stops the run at
 * the first failure or when the bad rows pass the budget.
 */
final class ImportLoad {
  private final ImportOptions o;
  private final ImportListener listener;
  private final RunState state;
  private final Planner.Plan plan;
  private final long t0;
  private final Totals t = new Totals();
  private final RejectsFile rejects;
  /** Standard input, cut into tasks while they load; null when it is not an input. */
  private final StdinInput stdin;
  private ImportException failure;

  /** What the load did: its totals, its first failure (or null), where it ran. */
  record Result(Totals totals, ImportException failure, Path rejectsPath, String executor,
      int workers) {}

  /** Counts of what the tasks did, as their outcomes come in. */
  static final class Totals {
    int tasks;
    int pieces;
    long read;
    long loaded;
    long rejected;
    long bytes;
    long bytesDone;
    int piecesSkipped;
    long rowsSkipped;
    long bytesSkipped;

    void add(TaskResult r, long taskBytes) {
      tasks++;
      bytesDone += taskBytes;
      piecesSkipped += r.piecesSkipped();
      rowsSkipped += r.rowsSkipped();
      pieces += r.pieces();
      read += r.rowsRead();
      loaded += r.rowsLoaded();
      rejected += r.rejects().size();
      bytes += r.bytes();
    }
  }

  ImportLoad(ImportOptions o, ImportListener listener, RunState state, Planner.Plan plan,
      long t0, StdinInput stdin) {
    this.stdin = stdin;
    this.o = o;
    this.listener = listener;
    this.state = state;
    this.plan = plan;
    this.t0 = t0;
    this.rejects = new RejectsFile(() -> o.rejects() != null ? o.rejects()
        : RejectsFile.defaultIn(StarmapHome.resolve(), o.calcId()));
  }

  /** Runs the tasks; a failure is returned in the outcome, not thrown. */
  Result run(Function<List<Piece>, CopyTask> toTask, String executor, int workers) {
    var builder = Starmap.builder("import", new CopyFunction(state))
        .executor(executor).workers(workers).failurePolicy(FailurePolicy.COLLECT_ALL)
        .recorder(o.recorder()).weight(task -> task.bytes() / 1e6)
        .describe(CopyTask::describe);
    if (stdin != null) {
      // the back-pressure on reading standard input: a piece is cut only when one is taken, so
      // at most one waits beside the tasks in flight
      builder.maxInFlight(workers);
    }
    Starmap<CopyTask, TaskResult> starmap = builder.build();
    TaskSource source = new TaskSource(plan, state, toTask,
        stdin == null ? null : stdin.pieces());
    plan.streamed().forEach(Planner.StreamedSplit::start);
    try (Run<TaskResult> run = plan.taskCount() == 0 && stdin == null ? null
        : starmap.submit(source)) {
      if (run != null) {
        consume(run, source);
      }
    } catch (TaskFailedException e) {
      failure = toImportException(e);
    } catch (RuntimeException e) {
      failure = e instanceof ImportException ie ? ie
          : new ImportException("import into " + o.table() + " stopped: " + e.getMessage(), e);
    } finally {
      plan.streamed().forEach(Planner.StreamedSplit::close);
      try {
        rejects.close();
      } catch (ImportException e) {
        failure = failure != null ? failure : e;
      }
      if (stdin != null) {
        stdin.addSkipped(t, listener::onMessage);
      }
    }
    return new Result(t, failure, rejects.path(), starmap.executorName(),
        starmap.workers());
  }

  /**
   * Takes the outcomes. After the first failure the run stops, but it still takes the outcomes of
   * the tasks in flight: one may have committed while the failure came in (its rows are in the
   * table and the ledger, so the report must count them and the rejects file must hold its bad
   * rows: a re-run skips its pieces). In this JVM the tasks that have not started yet load
   * nothing; a worker process or cluster member runs its queued ones (at most maxInFlight).
   */
  private void consume(Run<TaskResult> run, TaskSource source) {
    for (Outcome<TaskResult> out : run) {
      try {
        take(out, source);
      } finally {
        if (stdin != null) {
          // after the rejects file took its bad rows' bytes from the pieces' files
          stdin.done(source.task(out.taskNo()));
        }
      }
    }
  }

  /** Takes one outcome into the totals, the rejects file and the progress. */
  private void take(Outcome<TaskResult> out, TaskSource source) {
    if (!out.succeeded()) {
      if (failure == null) {
        failure = toImportException(out.failure());
        stop();
      }
      return;
    }
    TaskResult r = out.value();
    if (!r.started()) {
      return;
    }
    t.add(r, source.task(out.taskNo()).bytes());
    rejects.write(r.rejects(), listener::onMessage);
    if (t.rejected > o.maxErrors() && failure == null) {
      failure = new ImportException(ImportException.Kind.TOO_MANY_BAD_ROWS, "more than "
          + o.maxErrors() + " bad rows (the most allowed): stopped; the bad rows are in "
          + rejects.path(), null);
      stop();
    }
    // with standard input the total is not known: the tasks given out so far, no bytes
    listener.onProgress(new ImportProgress(t.tasks, Math.max(t.tasks, stdin == null
        ? plan.taskCount() : source.given()), t.bytesDone, stdin == null ? plan.bytesPlanned()
        : -1, t.loaded, t.rejected, System.nanoTime() - t0));
  }

  /**
   * No task starts after it; a big file's scan stops too (the tasks awaiting its hash then fail
   * without committing, rather than wait for the rest of the file to be read).
   */
  private void stop() {
    state.stop();
    plan.streamed().forEach(Planner.StreamedSplit::close);
  }

  private static ImportException toImportException(TaskFailedException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ImportException ie) {
        return ie;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new ImportException("import task " + e.taskName() + "#" + e.taskNo() + " failed on "
        + e.workerId() + ": " + cause.getMessage(), e);
  }
}

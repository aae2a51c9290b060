package io.starmap.importer.internal;

import io.starmap.importer.Connections;
import io.starmap.importer.PgTarget;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the tasks of one import run share in one JVM: whether the run is stopping, the hashes its
 * scans are still computing, and its connections.
 *
 * <p>Where a task finds it: the run creates one for itself ({@link #RunState(String)}) and hands
 * it to its tasks through {@link CopyFunction}, which holds it in a transient field. Executors of
 * this JVM call that very function object, so the tasks reach the run's own state without a
 * lookup. A task that reaches another JVM (a worker process, a cluster member) arrives with a
 * deserialized function whose field is empty: it finds its state in that JVM's {@link LocalRuns}
 * by the run id it carries, which creates one on the run's first task there. The run registers
 * its own state there too while it lasts (a cluster member may live in the importing JVM), and
 * {@link #close} removes it: two runs in one JVM never share anything.
 */
public final class RunState implements AutoCloseable {
  private final String runId;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final PendingHashes pending;
  private volatile ConnectionPool pool;

  /**
   * A run's state.
   *
   * @param runId the run's id, unique among the runs that may meet in one JVM
   */
  public RunState(String runId) {
    this.runId = runId;
    this.pending = new PendingHashes(runId);
  }

  /** The run's id, which its tasks carry to other JVMs. */
  public String runId() {
    return runId;
  }

  /**
   * Makes the tasks of this run that start from now on in this JVM load nothing and return
   * {@link TaskResult#NOT_STARTED}; tasks already running go on to their commit, so that the run
   * can still take their outcomes (rows committed, bad rows skipped) into its report.
   */
  public void stop() {
    stopping.set(true);
  }

  /** Whether {@link #stop} was called. */
  public boolean stopping() {
    return stopping.get();
  }

  /** The hashes this run's scans compute in this JVM. */
  public PendingHashes pendingHashes() {
    return pending;
  }

  /** The run's connections in this JVM, opened on first use. */
  ConnectionPool pool(PgTarget target, Connections mode) {
    ConnectionPool p = pool;
    if (p == null) {
      synchronized (this) {
        p = pool;
        if (p == null) {
          p = new ConnectionPool(target, mode);
          pool = p;
        }
      }
    }
    return p;
  }

  /** Closes the idle connections; the run goes on (a task reopens what it needs). */
  void closeIdle() {
    ConnectionPool p = pool;
    if (p != null) {
      p.closeIdle();
    }
  }

  /** The run has ended: its idle connections close and no task waits for a pending hash. */
  @Override
  public void close() {
    LocalRuns.remove(this);
    closeIdle();
    pending.close();
  }
}

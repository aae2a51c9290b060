package io.starmap.store;

import io.starmap.core.Monitor;
import io.starmap.core.OperationStats;
import io.starmap.core.Recorder;
import io.starmap.core.RunAbortedException;
import io.starmap.core.RunInfo;
import io.starmap.core.RunSummary;
import io.starmap.core.TaskMetrics;
import io.starmap.core.internal.util.Bytes;
import io.starmap.core.internal.util.JvmExit;
import io.starmap.store.internal.Sql;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A calculation being recorded: the {@link Recorder} of its starmaps (one or several runs), its
 * log, its user results, and its final status. Close it with try-with-resources after {@link
 * #complete()}; closing without {@code complete()} records it as failed, or aborted when the
 * thread was interrupted or a run was aborted.
 *
 * <p>Task and operation rows go to the database as tasks end, in batches (every
 * {@value RowBatcher#BATCH_ROWS} rows or {@value RowBatcher#FLUSH_MILLIS} ms), so that the views work while the
 * calculation runs. The HDF5 datastore is written once, when the calculation ends. Every text
 * written goes through {@link Secrets#redact(String)}. Recording never breaks the work it
 * records: a database error is kept in the log and the work goes on.
 *
 * <p>{@link RowBatcher} buffers and writes the rows, {@link DatastoreWriter} the datastore; this
 * class numbers the runs and ends the calculation.
 *
 * <p>Thread-safe: runs of several starmaps may report at the same time.
 */
public final class Calculation implements Recorder, Monitor, AutoCloseable {
  /**
   * The run number of the operations that the master measures outside any task ({@link
   * #measure}): their performance rows have no task.
   */
  public static final int MASTER_RUN = -1;

  /** The longest time a row waits before it is written (see {@link Views}). */
  static final long FLUSH_MILLIS = RowBatcher.FLUSH_MILLIS;
  private static final System.Logger LOG = System.getLogger(Calculation.class.getName());

  private final CalculationStore store;
  private final Sql sql;
  private final long id;
  private final Path datastore;
  private final Object lock = new Object();
  private final RowBatcher rows;
  private final DatastoreWriter writer;

  private final Map<String, Integer> runNos = new HashMap<>();
  private final Map<String, String> lastRunByTask = new ConcurrentHashMap<>();
  private int nextRun;
  private boolean anyRunAborted;
  private boolean ended;
  /** Counted down when the one ending (the main path's, or the exit's) has written the record. */
  private final CountDownLatch endWritten = new CountDownLatch(1);
  private final Thread shutdownHook;

  Calculation(CalculationStore store, long id, Path datastore, long startMillis) {
    this.store = store;
    this.sql = store.sql();
    this.id = id;
    this.datastore = datastore;
    this.rows = new RowBatcher(sql, id);
    this.writer = new DatastoreWriter(store, id, datastore, startMillis);
    // A terminated process (Ctrl-C, starmap calcs abort) still leaves an aborted record and a
    // datastore with what was recorded.
    this.shutdownHook = new Thread(() -> end(CalcStatus.ABORTED,
        "the process was terminated before the calculation ended", null),
        "starmap-calc-" + id + "-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: nothing to hook
    }
  }

  /**
   * The calculation's id.
   *
   * @return the calculation's positive id in its store
   */
  public long id() {
    return id;
  }

  /**
   * Where its HDF5 datastore is written when it ends.
   *
   * @return the path of the HDF5 file, which exists only once the calculation has ended
   */
  public Path datastorePath() {
    return datastore;
  }

  /**
   * The store it belongs to.
   *
   * @return the store that started the calculation
   */
  public CalculationStore store() {
    return store;
  }

  /**
   * Keeps {@code value} in the datastore under {@code key} (a group path such as {@code
   * results/summary}); read it back with {@link Datastore#read(Path, String, H5Readable)}. The
   * value writes itself now, so later changes to it are not recorded.
   *
   * @param key the group path; not one of the store's own groups
   * @param value the object to keep; it writes itself into a group now
   * @throws IllegalArgumentException when {@code key} names one of the store's own groups
   * @throws IllegalStateException when the calculation has ended
   */
  public void put(String key, H5Writable value) {
    DatastoreWriter.checkKey(key);
    H5Group g = new H5Group(key);
    value.writeTo(g);
    if (!g.has("__class__")) {
      g.attr("__class__", value.getClass().getName());
    }
    synchronized (lock) {
      if (ended) {
        throw new IllegalStateException("calculation " + id + " has ended: cannot put " + key);
      }
      writer.put(key, g);
    }
  }

  /** Adds a line to the calculation's log. */
  @Override
  public void log(System.Logger.Level level, String message) {
    rows.log(new Object[] {System.currentTimeMillis(), level.getName(),
        Secrets.redact(String.valueOf(message))});
    synchronized (lock) {
      if (!ended) {
        return;
      }
    }
    rows.flushQuietly(); // after the end nothing else flushes: a late line is written at once
  }

  @Override
  public void runStarted(RunInfo info) {
    int runNo;
    synchronized (lock) {
      runNo = nextRun++;
      runNos.put(info.runId(), runNo);
      lastRunByTask.put(info.taskName(), info.runId());
    }
    guarded(() -> {
      // while the run executes, submitted holds the tasks expected (0 when unknown): what the
      // live page divides by; the run's end writes the tasks actually submitted
      sql.update("INSERT INTO run(calc_id, run_no, task_name, executor, workers, start_ms,"
          + " submitted) VALUES (?, ?, ?, ?, ?, ?, ?)", id, runNo,
          Secrets.redact(info.taskName()), info.executor(), info.workers(),
          info.startEpochMillis(), Math.max(0, info.expectedTasks()));
      sql.update("UPDATE calc SET executor = CASE executor WHEN '' THEN ? ELSE executor END,"
          + " workers = CASE workers WHEN 0 THEN ? ELSE workers END WHERE id = ?",
          info.executor(), info.workers(), id);
    });
  }

  @Override
  public void taskCompleted(TaskMetrics m, List<OperationStats> operations) {
    Runtime rt = Runtime.getRuntime();
    long heap = rt.totalMemory() - rt.freeMemory();
    int runNo;
    synchronized (lock) {
      runNo = runNos.getOrDefault(runIdOf(m), Math.max(0, nextRun - 1));
    }
    rows.task(runNo, m, operations, heap);
  }

  /**
   * TaskMetrics does not carry the run id: a calculation's runs usually follow each other, so a
   * task belongs to the latest run started; runs that overlap are told apart by task name.
   */
  private String runIdOf(TaskMetrics m) {
    return lastRunByTask.getOrDefault(m.taskName(), "");
  }

  @Override
  public void runEnded(RunSummary s, Throwable failure) {
    Integer runNo;
    synchronized (lock) {
      runNo = runNos.get(s.runId());
      if (s.status() == RunSummary.Status.ABORTED) {
        anyRunAborted = true;
      }
    }
    if (failure != null) {
      log(System.Logger.Level.ERROR, s.taskName() + " " + s.status().name()
          .toLowerCase(Locale.ROOT) + ": " + failure);
    }
    rows.flushQuietly();
    if (runNo == null) {
      return;
    }
    guarded(() -> sql.update("""
        UPDATE run SET stop_ms = ?, submitted = ?, succeeded = ?, failed = ?, cancelled = ?,
          bytes_sent = ?, bytes_received = ?, wall_ns = ?, peak_heap = ?, status = ?
        WHERE calc_id = ? AND run_no = ?""", System.currentTimeMillis(), s.submitted(),
        s.succeeded(), s.failed(), s.cancelled(), s.bytesSent(), s.bytesReceived(), s.wallNanos(),
        s.peakHeapBytes(), s.status().name().toLowerCase(Locale.ROOT), id, runNo));
    rows.notePeak(s.peakHeapBytes());
  }

  /** Marks the calculation complete; the datastore is written and the record closed. */
  public void complete() {
    end(CalcStatus.COMPLETE, null, null);
  }

  /**
   * Marks the calculation failed with {@code error}'s stack trace, or aborted when the error is
   * an interrupt or an aborted run; the datastore is written and the record closed.
   *
   * @param error why the calculation failed; its stack trace is recorded with secrets masked
   */
  public void fail(Throwable error) {
    boolean interrupted = false;
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InterruptedException || t instanceof RunAbortedException) {
        interrupted = true;
      }
    }
    end(interrupted || JvmExit.ending() ? CalcStatus.ABORTED : CalcStatus.FAILED, null, error);
  }

  /**
   * Ends the calculation if {@link #complete()} or {@link #fail} did not: aborted when this
   * thread is interrupted or a run was aborted, failed otherwise.
   */
  @Override
  public void close() {
    boolean aborted;
    synchronized (lock) {
      aborted = anyRunAborted || Thread.currentThread().isInterrupted() || JvmExit.ending();
    }
    end(aborted ? CalcStatus.ABORTED : CalcStatus.FAILED,
        aborted ? "aborted" : "closed without complete()", null);
  }

  /**
   * Ends the calculation once: the first caller writes the record; another one (the main path
   * and the exit's hook, after a Ctrl-C) waits until it is written, so that neither the store is
   * closed nor the JVM halts under it.
   */
  private void end(CalcStatus status, String reason, Throwable error) {
    boolean first;
    synchronized (lock) {
      first = !ended;
      ended = true;
    }
    if (!first) {
      awaitEndWritten(); // outside the lock, which the writing takes
      return;
    }
    try {
      writeEnd(status, reason, error);
    } finally {
      endWritten.countDown();
    }
  }

  private void awaitEndWritten() {
    try {
      endWritten.await(60, TimeUnit.SECONDS); // bounded: a stuck end must not hang the exit
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeEnd(CalcStatus status, String reason, Throwable error) {
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs or ran
      }
    }
    rows.stop();
    String trace = logEnd(status, reason, error);
    long stop = System.currentTimeMillis();
    rows.flushQuietly();
    long size = writeDatastore(status, stop);
    rows.flushQuietly();
    long peak = rows.peakMemory();
    guarded(() -> sql.update("""
        UPDATE calc SET status = ?, stop_ms = ?, size_bytes = ?, peak_memory = max(peak_memory, ?),
          error = coalesce(?, error)
        WHERE id = ? AND status IN ('created', 'executing')""",
        status.label(), stop, size, peak, trace, id));
    // an external abort already set the status: only the size and memory are added
    guarded(() -> sql.update("UPDATE calc SET size_bytes = ?, peak_memory = max(peak_memory, ?)"
        + " WHERE id = ?", size, peak, id));
  }

  /** Logs how the calculation ended; returns the error text of its record, or null. */
  private String logEnd(CalcStatus status, String reason, Throwable error) {
    if (error != null) {
      StringWriter sw = new StringWriter();
      error.printStackTrace(new PrintWriter(sw));
      log(System.Logger.Level.ERROR, "calculation " + status.label() + ": " + error);
      return Secrets.redact(sw.toString());
    }
    if (reason != null) {
      log(status == CalcStatus.COMPLETE ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
          "calculation " + status.label() + ": " + reason);
    }
    return reason;
  }

  /** Writes the datastore and logs it; returns its size, or 0 when it could not be written. */
  private long writeDatastore(CalcStatus status, long stop) {
    long t0 = System.nanoTime();
    try {
      long size = writer.write(status, stop, rows.peakMemory(), rows);
      double secs = (System.nanoTime() - t0) / 1e9;
      log(System.Logger.Level.INFO, String.format(Locale.ROOT,
          "Stored %s on %s in %.2f seconds", Bytes.human(size), datastore, secs));
      return size;
    } catch (IOException | RuntimeException e) {
      log(System.Logger.Level.ERROR, "the datastore " + datastore + " could not be written: "
          + e.getMessage());
      return 0;
    }
  }

  /** Writes the buffered rows now; errors are logged and the rows kept for the next attempt. */
  void flushQuietly() {
    rows.flushQuietly();
  }

  /**
   * Measures an operation of the master, outside any task (reading inputs, reducing results,
   * saving): {@code try (var m = calc.measure("saving")) {...}}. It is recorded like the tasks'
   * operations, with no task ({@code show performance} lists it with 0 tasks), under the run
   * number {@link #MASTER_RUN}. Measurements may come from any thread; each measures the thread
   * that opened it.
   *
   * @param operation a short name such as {@code "saving"}; not blank
   * @return an open measurement; close it to record the operation
   */
  @Override
  public Monitor.Measurement measure(String operation) {
    if (operation == null || operation.isBlank()) {
      throw new IllegalArgumentException("operation name must not be blank: '" + operation + "'");
    }
    return new MasterMeasurement(this, operation);
  }

  /**
   * Adds {@code count} to the user count of the master's {@code operation} without timing it.
   *
   * @param operation a short name; not blank
   * @param count what to add (rows, bytes...)
   */
  @Override
  public void count(String operation, long count) {
    if (operation == null || operation.isBlank()) {
      throw new IllegalArgumentException("operation name must not be blank: '" + operation + "'");
    }
    masterOperation(operation, 0, 0, 0, 0, count);
  }

  /** Adds one measured master operation to the performance rows. */
  void masterOperation(String operation, long calls, long wallNanos, long cpuNanos,
      long allocatedBytes, long count) {
    rows.masterOperation(operation, calls, wallNanos, cpuNanos, allocatedBytes, count);
  }

  private void guarded(Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "calculation " + id + ": a record could not be"
          + " written to " + sql.where() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "calculation " + id + " (" + datastore.getFileName() + ")";
  }
}

package io.starmap.store;

import io.starmap.core.Monitor;
import io.starmap.core.OperationStats;
import io.starmap.core.Recorder;
import io.starmap.core.RunAbortedException;
import io.starmap.core.RunInfo;
import io.starmap.core.RunSummary;
import io.starmap.core.TaskMetrics;
import io.starmap.store.internal.Columns;
import io.starmap.store.internal.Sql;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A calculation being recorded: the {@link Recorder} of its starmaps (one or several runs), its
 * log, its user results, and its final status. Close it with try-with-resources after {@link
 * #complete()}; closing without {@code complete()} records it as failed, or aborted when the
 * thread was interrupted or a run was aborted.
 *
 * <p>Task and operation rows go to the database as tasks end, in batches (every
 * {@value #BATCH_ROWS} rows or {@value #FLUSH_MILLIS} ms), so that the views work while the
 * calculation runs. The HDF5 datastore is written once, when the calculation ends. Every text
 * written goes through {@link Secrets#redact(String)}. Recording never breaks the work it
 * records: a database error is kept in the log and the work goes on.
 *
 * <p>Thread-safe: runs of several starmaps may report at the same time.
 */
public final class Calculation implements Recorder, Monitor, AutoCloseable {
  /**
   * The run number of the operations that the master measures outside any task ({@link
   * #measure}): their performance rows have no task.
   */
  public static final int MASTER_RUN = -1;

  /** Rows buffered before a write, whatever the time. */
  static final int BATCH_ROWS = 512;
  /** The longest time a row waits in the buffer. */
  static final long FLUSH_MILLIS = 200;
  /** Rows buffered at most: beyond, the recording thread writes them itself. */
  static final int MAX_BACKLOG = 50_000;
  private static final Set<String> RESERVED =
      Set.of("performance_data", "task_info", "task_sent", "runs", "log");
  private static final System.Logger LOG = System.getLogger(Calculation.class.getName());

  private final CalculationStore store;
  private final Sql sql;
  private final long id;
  private final Path datastore;
  private final long startMillis;
  private final Object lock = new Object();

  private final List<Object[]> taskRows = new ArrayList<>();
  private final List<Object[]> logRows = new ArrayList<>();
  private final Map<PerfKey, long[]> perfDelta = new LinkedHashMap<>();
  private final Map<String, Integer> runNos = new HashMap<>();
  private final Map<String, String> redacted = new HashMap<>();
  private final Columns perTaskOps = new Columns();
  private final H5Group results = new H5Group("/");
  private int nextRun;
  private boolean anyRunAborted;
  private long peakMemory;
  private boolean ended;
  private boolean writeFailureLogged;
  private final ScheduledExecutorService flusher;
  private final java.util.concurrent.atomic.AtomicBoolean flushRequested =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final Thread shutdownHook;

  Calculation(CalculationStore store, long id, Path datastore, long startMillis) {
    this.store = store;
    this.sql = store.sql();
    this.id = id;
    this.datastore = datastore;
    this.startMillis = startMillis;
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "starmap-calc-" + id + "-flush");
      t.setDaemon(true);
      return t;
    });
    flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS,
        TimeUnit.MILLISECONDS);
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
    String first = key.replaceAll("^/+", "").split("/")[0];
    if (RESERVED.contains(first)) {
      throw new IllegalArgumentException("'" + key + "' is reserved for the store's own "
          + "groups " + RESERVED + ": put results under another name, such as results/" + key);
    }
    H5Group g = new H5Group(key);
    value.writeTo(g);
    if (!g.has("__class__")) {
      g.attr("__class__", value.getClass().getName());
    }
    synchronized (lock) {
      if (ended) {
        throw new IllegalStateException("calculation " + id + " has ended: cannot put " + key);
      }
      H5Group target = results.group(key);
      redactInto(g, target);
    }
  }

  /** Adds a line to the calculation's log. */
  @Override
  public void log(System.Logger.Level level, String message) {
    Object[] row = {System.currentTimeMillis(), level.getName(),
        Secrets.redact(String.valueOf(message))};
    synchronized (lock) {
      logRows.add(row);
      if (!ended) {
        return;
      }
    }
    flushQuietly(); // after the end nothing else flushes: a late line is written at once
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
      sql.update("INSERT INTO run(calc_id, run_no, task_name, executor, workers, start_ms)"
          + " VALUES (?, ?, ?, ?, ?, ?)", id, runNo, Secrets.redact(info.taskName()),
          info.executor(), info.workers(), info.startEpochMillis());
      sql.update("UPDATE calc SET executor = CASE executor WHEN '' THEN ? ELSE executor END,"
          + " workers = CASE workers WHEN 0 THEN ? ELSE workers END WHERE id = ?",
          info.executor(), info.workers(), id);
    });
  }

  @Override
  public void taskCompleted(TaskMetrics m, List<OperationStats> operations) {
    Runtime rt = Runtime.getRuntime();
    long heap = rt.totalMemory() - rt.freeMemory();
    boolean full;
    boolean backlog;
    synchronized (lock) {
      int runNo = runNos.getOrDefault(runIdOf(m), Math.max(0, nextRun - 1));
      String name = clean(m.taskName());
      taskRows.add(new Object[] {id, runNo, m.taskNo(), name, m.weight(), clean(m.workerId()),
          m.startEpochMillis(), m.wallNanos(), m.cpuNanos(), m.allocatedBytes(), m.bytesSent(),
          m.bytesReceived(), m.rssBytes(), m.peakRssBytes(), heap, m.status().name()
              .toLowerCase(java.util.Locale.ROOT)});
      peakMemory = Math.max(peakMemory, Math.max(heap, Math.max(m.rssBytes(),
          m.peakRssBytes())));
      for (OperationStats op : operations) {
        String opName = clean(op.operation());
        long[] d = perfDelta.computeIfAbsent(new PerfKey(runNo, opName), k -> new long[7]);
        d[0] += 1;
        d[1] += op.calls();
        d[2] += op.wallNanos();
        d[3] += op.cpuNanos();
        d[4] += op.allocatedBytes();
        d[5] += op.count();
        d[6] = Math.max(d[6], op.wallNanos());
        perTaskOps.add(runNo, m.taskNo(), opName, op.calls(), op.wallNanos(), op.cpuNanos(),
            op.allocatedBytes(), op.count());
      }
      full = taskRows.size() >= BATCH_ROWS;
      backlog = taskRows.size() >= MAX_BACKLOG;
    }
    if (backlog) {
      flushQuietly(); // the database falls behind: the run waits for it rather than fill memory
    } else if (full && flushRequested.compareAndSet(false, true)) {
      try {
        flusher.execute(() -> {
          flushRequested.set(false);
          flushQuietly();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        flushRequested.set(false); // ended meanwhile: end() flushes
      }
    }
  }

  /**
   * TaskMetrics does not carry the run id: a calculation's runs usually follow each other, so a
   * task belongs to the latest run started; runs that overlap are told apart by task name.
   */
  private String runIdOf(TaskMetrics m) {
    return lastRunByTask.getOrDefault(m.taskName(), "");
  }

  private final Map<String, String> lastRunByTask = new java.util.concurrent.ConcurrentHashMap<>();

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
          .toLowerCase(java.util.Locale.ROOT) + ": " + failure);
    }
    flushQuietly();
    if (runNo == null) {
      return;
    }
    guarded(() -> sql.update("""
        UPDATE run SET stop_ms = ?, submitted = ?, succeeded = ?, failed = ?, cancelled = ?,
          bytes_sent = ?, bytes_received = ?, wall_ns = ?, peak_heap = ?, status = ?
        WHERE calc_id = ? AND run_no = ?""", System.currentTimeMillis(), s.submitted(),
        s.succeeded(), s.failed(), s.cancelled(), s.bytesSent(), s.bytesReceived(), s.wallNanos(),
        s.peakHeapBytes(), s.status().name().toLowerCase(java.util.Locale.ROOT), id, runNo));
    synchronized (lock) {
      peakMemory = Math.max(peakMemory, s.peakHeapBytes());
    }
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
    end(interrupted ? CalcStatus.ABORTED : CalcStatus.FAILED, null, error);
  }

  /**
   * Ends the calculation if {@link #complete()} or {@link #fail} did not: aborted when this
   * thread is interrupted or a run was aborted, failed otherwise.
   */
  @Override
  public void close() {
    boolean aborted;
    synchronized (lock) {
      aborted = anyRunAborted || Thread.currentThread().isInterrupted();
    }
    end(aborted ? CalcStatus.ABORTED : CalcStatus.FAILED,
        aborted ? "aborted" : "closed without complete()", null);
  }

  private void end(CalcStatus status, String reason, Throwable error) {
    synchronized (lock) {
      if (ended) {
        return;
      }
      ended = true;
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs or ran
      }
    }
    flusher.shutdownNow();
    String trace = null;
    if (error != null) {
      StringWriter sw = new StringWriter();
      error.printStackTrace(new PrintWriter(sw));
      trace = Secrets.redact(sw.toString());
      log(System.Logger.Level.ERROR, "calculation " + status.label() + ": " + error);
    } else if (reason != null) {
      trace = reason;
      log(status == CalcStatus.COMPLETE ? System.Logger.Level.INFO : System.Logger.Level.WARNING,
          "calculation " + status.label() + ": " + reason);
    }
    long stop = System.currentTimeMillis();
    flushQuietly();
    long size = 0;
    long t0 = System.nanoTime();
    try {
      Datastore.write(datastore, buildDatastore(status, stop));
      size = Files.size(datastore);
      double secs = (System.nanoTime() - t0) / 1e9;
      log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT,
          "Stored %s on %s in %.2f seconds", io.starmap.core.internal.util.Bytes.human(size), datastore, secs));
    } catch (IOException | RuntimeException e) {
      log(System.Logger.Level.ERROR, "the datastore " + datastore + " could not be written: "
          + e.getMessage());
    }
    flushQuietly();
    long peak;
    synchronized (lock) {
      peak = peakMemory;
    }
    String errorText = trace;
    long finalSize = size;
    guarded(() -> sql.update("""
        UPDATE calc SET status = ?, stop_ms = ?, size_bytes = ?, peak_memory = max(peak_memory, ?),
          error = coalesce(?, error)
        WHERE id = ? AND status IN ('created', 'executing')""",
        status.label(), stop, finalSize, peak, errorText, id));
    // an external abort already set the status: only the size and memory are added
    guarded(() -> sql.update("UPDATE calc SET size_bytes = ?, peak_memory = max(peak_memory, ?)"
        + " WHERE id = ?", finalSize, peak, id));
  }

  /** Writes the buffered rows; errors are logged and the rows kept for the next attempt. */
  void flushQuietly() {
    try {
      flush();
    } catch (RuntimeException e) {
      synchronized (lock) {
        if (!writeFailureLogged) {
          writeFailureLogged = true;
          LOG.log(System.Logger.Level.WARNING, "calculation " + id + ": rows could not be"
              + " written to " + sql.where() + " and will be retried: " + e.getMessage(), e);
        }
      }
    }
  }

  private void flush() {
    List<Object[]> tasks;
    List<Object[]> logs;
    Map<PerfKey, long[]> perf;
    synchronized (lock) {
      if (taskRows.isEmpty() && logRows.isEmpty() && perfDelta.isEmpty()) {
        return;
      }
      tasks = new ArrayList<>(taskRows);
      logs = new ArrayList<>(logRows);
      perf = new LinkedHashMap<>(perfDelta);
      taskRows.clear();
      logRows.clear();
      perfDelta.clear();
    }
    long peak;
    synchronized (lock) {
      peak = peakMemory;
    }
    try {
      sql.transaction(conn -> {
        try (PreparedStatement ps = conn.prepareStatement("""
            INSERT INTO task(calc_id, run_no, task_no, name, weight, worker, start_ms, wall_ns,
              cpu_ns, alloc, sent, received, rss, peak_rss, heap, status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
          for (Object[] row : tasks) {
            Sql.bind(ps, row);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        try (PreparedStatement ps = conn.prepareStatement(
            "INSERT INTO log(calc_id, time_ms, level, message) VALUES (?, ?, ?, ?)")) {
          for (Object[] row : logs) {
            Sql.bind(ps, id, row[0], row[1], row[2]);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        try (PreparedStatement ps = conn.prepareStatement("""
            INSERT INTO performance(calc_id, run_no, operation, tasks, calls, wall_ns, cpu_ns,
              alloc, count, max_wall_ns)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (calc_id, run_no, operation) DO UPDATE SET
              tasks = tasks + excluded.tasks, calls = calls + excluded.calls,
              wall_ns = wall_ns + excluded.wall_ns, cpu_ns = cpu_ns + excluded.cpu_ns,
              alloc = alloc + excluded.alloc, count = count + excluded.count,
              max_wall_ns = max(max_wall_ns, excluded.max_wall_ns)""")) {
          for (Map.Entry<PerfKey, long[]> e : perf.entrySet()) {
            long[] d = e.getValue();
            Sql.bind(ps, id, e.getKey().run(), e.getKey().operation(), d[0], d[1], d[2], d[3],
                d[4], d[5], d[6]);
            ps.addBatch();
          }
          ps.executeBatch();
        }
        try (PreparedStatement ps = conn.prepareStatement(
            "UPDATE calc SET peak_memory = max(peak_memory, ?) WHERE id = ?")) {
          Sql.bind(ps, peak, id);
          ps.executeUpdate();
        }
      });
    } catch (RuntimeException e) {
      synchronized (lock) {
        // put the rows back in front, so that the next flush writes them
        taskRows.addAll(0, tasks);
        logRows.addAll(0, logs);
        for (Map.Entry<PerfKey, long[]> e2 : perf.entrySet()) {
          long[] cur = perfDelta.get(e2.getKey());
          if (cur == null) {
            perfDelta.put(e2.getKey(), e2.getValue());
          } else {
            for (int i = 0; i < 6; i++) {
              cur[i] += e2.getValue()[i];
            }
            cur[6] = Math.max(cur[6], e2.getValue()[6]);
          }
        }
      }
      throw e;
    }
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
    synchronized (lock) {
      String name = clean(operation);
      long[] d = perfDelta.computeIfAbsent(new PerfKey(MASTER_RUN, name), k -> new long[7]);
      d[1] += calls;
      d[2] += wallNanos;
      d[3] += cpuNanos;
      d[4] += allocatedBytes;
      d[5] += count;
      d[6] = Math.max(d[6], wallNanos);
      if (calls > 0) {
        perTaskOps.add(MASTER_RUN, -1, name, calls, wallNanos, cpuNanos, allocatedBytes, count);
      }
    }
  }

  /** The aggregation key of the live performance rows. */
  private record PerfKey(int run, String operation) {}

  private H5Group buildDatastore(CalcStatus status, long stop) {
    CalcRecord c = store.get(id);
    H5Group root = new H5Group("/");
    root.attr("starmap_format", 1L)
        .attr("calc_id", id)
        .attr("kind", c.kind())
        .attr("description", c.description())
        .attr("status", status.label())
        .attr("user", c.user())
        .attr("host", c.host())
        .attr("pid", c.pid())
        .attr("executor", c.executor())
        .attr("workers", (long) c.workers())
        .attr("parameters", c.parameters())
        .attr("start_time", Instant.ofEpochMilli(startMillis).toString())
        .attr("stop_time", Instant.ofEpochMilli(stop).toString())
        .attr("start_ms", startMillis)
        .attr("stop_ms", stop);
    synchronized (lock) {
      root.attr("peak_memory_bytes", Math.max(peakMemory, c.peakMemoryBytes()));
    }
    DatastoreTables.taskInfo(sql, id, root.group("task_info"));
    DatastoreTables.taskSent(sql, id, root.group("task_sent"));
    DatastoreTables.runs(sql, id).writeTo(root.group("runs"));
    DatastoreTables.log(sql, id).writeTo(root.group("log"));
    synchronized (lock) {
      perTaskOps.writeTo(root.group("performance_data"));
      for (String name : results.groupNames()) {
        root.rawGroups().put(name, results.child(name));
      }
    }
    return root;
  }

  private String clean(String text) {
    if (text == null) {
      return "";
    }
    String known = redacted.get(text);
    if (known == null) {
      known = Secrets.redact(text);
      if (redacted.size() < 10_000) {
        redacted.put(text, known);
      }
    }
    return known;
  }

  private static void redactInto(H5Group from, H5Group to) {
    from.attributes().forEach((k, v) -> to.attr(k, v instanceof String s ? Secrets.redact(s)
        : v));
    for (String d : from.datasetNames()) {
      Object v = from.dataset(d);
      if (v instanceof String[] s) {
        String[] r = new String[s.length];
        for (int i = 0; i < s.length; i++) {
          r[i] = Secrets.redact(s[i]);
        }
        to.putRaw(d, r);
      } else {
        to.putRaw(d, v);
      }
    }
    for (String g : from.groupNames()) {
      redactInto(from.child(g), to.group(g));
    }
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

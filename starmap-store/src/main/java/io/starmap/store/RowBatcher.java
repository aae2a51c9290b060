package io.starmap.store;

import io.starmap.core.OperationStats;
import io.starmap.core.TaskMetrics;
import io.starmap.store.internal.Columns;
import io.starmap.store.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The rows of a calculation on their way to the database: task, log and performance rows are
 * buffered and written in one transaction every {@value #BATCH_ROWS} task rows or {@value
 * #FLUSH_MILLIS} ms, so that the views work while the calculation runs. A failed write keeps the
 * rows for the next one. It also keeps the per-task operations, which only the datastore holds.
 * Thread-safe.
 */
final class RowBatcher {
  /** Rows buffered before a write, whatever the time. */
  static final int BATCH_ROWS = 512;
  /** The longest time a row waits in the buffer. */
  static final long FLUSH_MILLIS = 200;
  /** Rows buffered at most: beyond, the recording thread writes them itself. */
  static final int MAX_BACKLOG = 50_000;
  private static final System.Logger LOG = System.getLogger(Calculation.class.getName());

  private final Sql sql;
  private final long id;
  private final Object lock = new Object();
  private final List<Object[]> taskRows = new ArrayList<>();
  private final List<Object[]> logRows = new ArrayList<>();
  private final Map<PerfKey, long[]> perfDelta = new LinkedHashMap<>();
  private final Map<String, String> redacted = new HashMap<>();
  private final Columns perTaskOps = new Columns();
  private long peakMemory;
  private boolean writeFailureLogged;
  private final ScheduledExecutorService flusher;
  private final AtomicBoolean flushRequested = new AtomicBoolean();

  /**
   * The aggregation key of the live performance rows. Its {@code equals} and {@code hashCode} are
   * written out: a record's generated ones are linked at their first call through {@code
   * invokedynamic} ({@code ObjectMethods}), which makes 13 method-handle classes in every process
   * that records tasks, on the thread that records them.
   */
  private record PerfKey(int run, String operation) {
    @Override
    public boolean equals(Object o) {
      return o instanceof PerfKey k && k.run == run && k.operation.equals(operation);
    }

    @Override
    public int hashCode() {
      return 31 * run + operation.hashCode();
    }
  }

  /** Starts the thread that writes the rows of calculation {@code id} every few ms. */
  RowBatcher(Sql sql, long id) {
    this.sql = sql;
    this.id = id;
    this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "starmap-calc-" + id + "-flush");
      t.setDaemon(true);
      return t;
    });
    flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_MILLIS, FLUSH_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  /** Adds a task's row and its operations; writes now when the buffer is full. */
  void task(int runNo, TaskMetrics m, List<OperationStats> operations, long heap) {
    boolean full;
    boolean backlog;
    synchronized (lock) {
      String name = clean(m.taskName());
      taskRows.add(new Object[] {id, runNo, m.taskNo(), name, m.weight(), clean(m.workerId()),
          m.startEpochMillis(), m.wallNanos(), m.cpuNanos(), m.allocatedBytes(), m.bytesSent(),
          m.bytesReceived(), m.rssBytes(), m.peakRssBytes(), heap, m.status().name()
              .toLowerCase(Locale.ROOT)});
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
      } catch (RejectedExecutionException e) {
        flushRequested.set(false); // ended meanwhile: the end flushes
      }
    }
  }

  /** Adds a log row {@code {time_ms, level, message}}, already redacted. */
  void log(Object[] row) {
    synchronized (lock) {
      logRows.add(row);
    }
  }

  /** Adds one measured operation of the master (run {@link Calculation#MASTER_RUN}). */
  void masterOperation(String operation, long calls, long wallNanos, long cpuNanos,
      long allocatedBytes, long count) {
    synchronized (lock) {
      String name = clean(operation);
      long[] d = perfDelta.computeIfAbsent(new PerfKey(Calculation.MASTER_RUN, name),
          k -> new long[7]);
      d[1] += calls;
      d[2] += wallNanos;
      d[3] += cpuNanos;
      d[4] += allocatedBytes;
      d[5] += count;
      d[6] = Math.max(d[6], wallNanos);
      if (calls > 0) {
        perTaskOps.add(Calculation.MASTER_RUN, -1, name, calls, wallNanos, cpuNanos,
            allocatedBytes, count);
      }
    }
  }

  /** Raises the peak memory to {@code bytes} if it is higher. */
  void notePeak(long bytes) {
    synchronized (lock) {
      peakMemory = Math.max(peakMemory, bytes);
    }
  }

  long peakMemory() {
    synchronized (lock) {
      return peakMemory;
    }
  }

  /** Writes the per-task operations ({@code performance_data}) into {@code group}. */
  void writePerTaskOps(H5Group group) {
    synchronized (lock) {
      perTaskOps.writeTo(group);
    }
  }

  /** Stops the timed writes; {@link #flushQuietly()} still writes. */
  void stop() {
    flusher.shutdownNow();
  }

  /** Writes the buffered rows; errors are logged once and the rows kept for the next attempt. */
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
    long peak;
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
      peak = peakMemory;
    }
    try {
      sql.transaction(conn -> write(conn, tasks, logs, perf, peak));
    } catch (RuntimeException e) {
      putBack(tasks, logs, perf);
      throw e;
    }
  }

  private void write(Connection conn, List<Object[]> tasks, List<Object[]> logs,
      Map<PerfKey, long[]> perf, long peak) throws SQLException {
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
  }

  /** Puts the rows of a failed write back in front, so that the next flush writes them. */
  private void putBack(List<Object[]> tasks, List<Object[]> logs, Map<PerfKey, long[]> perf) {
    synchronized (lock) {
      taskRows.addAll(0, tasks);
      logRows.addAll(0, logs);
      for (Map.Entry<PerfKey, long[]> e : perf.entrySet()) {
        long[] cur = perfDelta.get(e.getKey());
        if (cur == null) {
          perfDelta.put(e.getKey(), e.getValue());
        } else {
          for (int i = 0; i < 6; i++) {
            cur[i] += e.getValue()[i];
          }
          cur[6] = Math.max(cur[6], e.getValue()[6]);
        }
      }
    }
  }

  /** {@link Secrets#redact} of a name, remembered: the same few names come with every task. */
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
}

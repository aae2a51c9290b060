package io.starmap.store;

import io.starmap.store.internal.Sql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The inspection views of calculations, as data: what {@code starmap show} prints and the report
 * draws. They read the calculation database, so they work while a calculation runs (the rows of
 * the last {@value Calculation#FLUSH_MILLIS} ms may be missing).
 */
public final class Views {
  private final CalculationStore store;
  private final Sql sql;

  Views(CalculationStore store) {
    this.store = store;
    this.sql = store.sql();
  }

  /**
   * One operation, summed over the tasks and runs of a calculation.
   *
   * @param operation the operation's name, as given to the monitor
   * @param timeSec the wall time, in seconds
   * @param cpuSec the CPU time, in seconds
   * @param allocatedMb the bytes allocated, in megabytes (10^6)
   * @param calls how many times it was measured
   * @param counts the sum of its user counts (rows, bytes...)
   * @param tasks how many tasks measured it
   * @param maxTimeSec the longest wall time of one task's measurements, in seconds
   */
  public record OperationRow(String operation, double timeSec, double cpuSec, double allocatedMb,
      long calls, long counts, long tasks, double maxTimeSec) {}

  /**
   * The {@code performance} view: operations sorted by time, and the calculation's peak memory.
   *
   * @param calc the calculation
   * @param peakMemoryBytes the largest memory use seen: the master's heap or a worker's
   *     resident memory
   * @param operations the operations, slowest first
   */
  public record Performance(CalcRecord calc, long peakMemoryBytes,
      List<OperationRow> operations) {}

  /**
   * Time per task name: count, mean, stddev as % of the mean, min, max and slowfac = max/mean.
   *
   * @param taskName the task's name
   * @param count how many tasks
   * @param meanSec the mean wall time, in seconds
   * @param stddevPercent the standard deviation of the wall time, as a percentage of the mean
   * @param minSec the shortest wall time, in seconds
   * @param maxSec the longest wall time, in seconds
   * @param slowfac the longest wall time over the mean; 0 when the mean is 0
   */
  public record TaskInfoRow(String taskName, long count, double meanSec, double stddevPercent,
      double minSec, double maxSec, double slowfac) {}

  /**
   * One task as recorded.
   *
   * @param run the run's number in the calculation
   * @param taskNo the task's number in its run
   * @param taskName the task's name
   * @param worker where it ran
   * @param start when it started
   * @param durationSec its wall time, in seconds
   * @param cpuSec its CPU time, in seconds
   * @param allocatedMb the bytes it allocated, in megabytes (10^6)
   * @param weight the weight of its argument
   * @param sentBytes the serialized bytes of its argument sent to the worker
   * @param receivedBytes the serialized bytes of its result received from the worker
   * @param rssBytes the worker process's resident memory after it (0 when unknown)
   * @param peakRssBytes the worker process's peak resident memory (0 when unknown)
   * @param heapBytes the master's heap in use when its outcome was recorded
   * @param status how it ended, such as {@code succeeded} or {@code failed}
   */
  public record TaskRow(int run, long taskNo, String taskName, String worker, Instant start,
      double durationSec, double cpuSec, double allocatedMb, double weight, long sentBytes,
      long receivedBytes, long rssBytes, long peakRssBytes, long heapBytes, String status) {}

  /**
   * Data transfer per task name: the serialized arguments sent to workers and the results
   * received (both 0 for executors that share memory, such as {@code threads}).
   *
   * @param taskName the task's name
   * @param tasks how many tasks
   * @param sentBytes the serialized bytes sent, summed over the tasks
   * @param receivedBytes the serialized bytes received, summed over the tasks
   * @param maxSentBytes the most bytes sent for one task
   * @param maxReceivedBytes the most bytes received for one task
   */
  public record TransferRow(String taskName, long tasks, long sentBytes, long receivedBytes,
      long maxSentBytes, long maxReceivedBytes) {}

  /**
   * One line of a calculation's log.
   *
   * @param time when the line was logged
   * @param level its level, such as {@code INFO} or {@code WARNING}
   * @param message the line
   */
  public record LogRow(Instant time, String level, String message) {}

  /**
   * One starmap run of a calculation.
   *
   * @param run the run's number in the calculation
   * @param taskName the name of its tasks
   * @param executor the executor it ran on
   * @param workers how many workers
   * @param start when it started
   * @param stop when it ended, or null while it runs
   * @param submitted how many tasks were submitted; while the run executes, how many are expected
   *     (0 when its argument source does not know)
   * @param succeeded how many succeeded
   * @param failed how many failed
   * @param cancelled how many were cancelled
   * @param sentBytes the serialized bytes sent to workers
   * @param receivedBytes the serialized bytes received from workers
   * @param wallSec its wall time, in seconds
   * @param peakHeapBytes the master's peak heap during the run
   * @param status how it ended, such as {@code complete}
   */
  public record RunRow(int run, String taskName, String executor, int workers, Instant start,
      Instant stop, long submitted, long succeeded, long failed, long cancelled, long sentBytes,
      long receivedBytes, double wallSec, long peakHeapBytes, String status) {}

  /**
   * The {@code performance} view of calculation {@code calcId}.
   *
   * @param calcId the calculation's id
   * @return its operations and peak memory
   * @throws java.util.NoSuchElementException when there is no such calculation
   */
  public Performance performance(long calcId) {
    CalcRecord calc = store.get(calcId);
    List<OperationRow> ops = sql.query("""
        SELECT operation, sum(wall_ns), sum(cpu_ns), sum(alloc), sum(calls), sum(count),
          sum(tasks), max(max_wall_ns)
        FROM performance WHERE calc_id = ? GROUP BY operation, run_no < 0
        ORDER BY sum(wall_ns) DESC, operation""",
        rs -> new OperationRow(rs.getString(1), rs.getLong(2) / 1e9, rs.getLong(3) / 1e9,
            rs.getLong(4) / 1e6, rs.getLong(5), rs.getLong(6), rs.getLong(7),
            rs.getLong(8) / 1e9), calcId);
    long peak = sql.query("""
        SELECT max(coalesce((SELECT max(max(peak_rss, rss, heap)) FROM task WHERE calc_id = ?1),
          0), coalesce((SELECT max(peak_heap) FROM run WHERE calc_id = ?1), 0),
          (SELECT peak_memory FROM calc WHERE id = ?1))""", rs -> rs.getLong(1), calcId).get(0);
    return new Performance(calc, peak, ops);
  }

  /**
   * The {@code task_info} view: one row per task name, by total time.
   *
   * @param calcId the calculation's id
   * @return one row per task name, the most total time first
   * @throws java.util.NoSuchElementException when there is no such calculation
   */
  public List<TaskInfoRow> taskInfo(long calcId) {
    store.get(calcId);
    return sql.query("""
        SELECT name, count(*), sum(wall_ns / 1e9), sum((wall_ns / 1e9) * (wall_ns / 1e9)),
          min(wall_ns) / 1e9, max(wall_ns) / 1e9
        FROM task WHERE calc_id = ? GROUP BY name ORDER BY sum(wall_ns) DESC, name""", rs -> {
          long n = rs.getLong(2);
          double sum = rs.getDouble(3);
          double sumSq = rs.getDouble(4);
          double mean = sum / n;
          double var = n > 1 ? Math.max(0, (sumSq - sum * sum / n) / (n - 1)) : 0;
          double max = rs.getDouble(6);
          return new TaskInfoRow(rs.getString(1), n, mean,
              mean > 0 ? 100 * Math.sqrt(var) / mean : 0, rs.getDouble(5), max,
              mean > 0 ? max / mean : 0);
        }, calcId);
  }

  /**
   * The tasks of calculation {@code calcId}: all of them in the order they ended, or the {@code
   * slowest} ones, slowest first, if it is positive.
   *
   * @param calcId the calculation's id
   * @param slowest how many of the slowest tasks to return, or 0 (or less) for all
   * @return the tasks
   * @throws java.util.NoSuchElementException when there is no such calculation
   */
  public List<TaskRow> tasks(long calcId, int slowest) {
    store.get(calcId);
    String order = slowest > 0 ? "ORDER BY wall_ns DESC, run_no, task_no LIMIT " + slowest
        : "ORDER BY rowid";
    return sql.query("""
        SELECT run_no, task_no, name, worker, start_ms, wall_ns, cpu_ns, alloc, weight, sent,
          received, rss, peak_rss, heap, status
        FROM task WHERE calc_id = ?\s""" + order,
        rs -> new TaskRow(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4),
            Instant.ofEpochMilli(rs.getLong(5)), rs.getLong(6) / 1e9, rs.getLong(7) / 1e9,
            rs.getLong(8) / 1e6, rs.getDouble(9), rs.getLong(10), rs.getLong(11), rs.getLong(12),
            rs.getLong(13), rs.getLong(14), rs.getString(15)), calcId);
  }

  /**
   * The {@code transfer} view: bytes sent and received per task name.
   *
   * @param calcId the calculation's id
   * @return one row per task name, the most bytes first
   * @throws java.util.NoSuchElementException when there is no such calculation
   */
  public List<TransferRow> transfer(long calcId) {
    store.get(calcId);
    return sql.query("""
        SELECT name, count(*), sum(sent), sum(received), max(sent), max(received)
        FROM task WHERE calc_id = ? GROUP BY name ORDER BY sum(sent) + sum(received) DESC, name""",
        rs -> new TransferRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
            rs.getLong(5), rs.getLong(6)), calcId);
  }

  /**
   * The log of calculation {@code calcId}, oldest first.
   *
   * @param calcId the calculation's id
   * @return the log lines
   * @throws java.util.NoSuchElementException when there is no such calculation
   */
  public List<LogRow> log(long calcId) {
    store.get(calcId);
    return sql.query("SELECT time_ms, level, message FROM log WHERE calc_id = ? ORDER BY id",
        rs -> new LogRow(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), rs.getString(3)),
        calcId);
  }

  /**
   * The starmap runs of calculation {@code calcId}.
   *
   * @param calcId the calculation's id
   * @return the runs, by run number
   * @throws java.util.NoSuchElementException when there is no such calculation
   */
  public List<RunRow> runs(long calcId) {
    store.get(calcId);
    List<RunRow> out = new ArrayList<>();
    out.addAll(sql.query("""
        SELECT run_no, task_name, executor, workers, start_ms, stop_ms, submitted, succeeded,
          failed, cancelled, bytes_sent, bytes_received, wall_ns, peak_heap, status
        FROM run WHERE calc_id = ? ORDER BY run_no""", rs -> {
          long stop = rs.getLong(6);
          boolean ended = !rs.wasNull();
          return new RunRow(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getInt(4),
              Instant.ofEpochMilli(rs.getLong(5)), ended ? Instant.ofEpochMilli(stop) : null,
              rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
              rs.getLong(12), rs.getLong(13) / 1e9, rs.getLong(14), rs.getString(15));
        }, calcId));
    return out;
  }

  /**
   * How far one run of a calculation has got, counted from its recorded tasks: cheap enough to
   * ask every second while it runs.
   *
   * @param run the run's number in the calculation
   * @param done how many of its tasks have ended (succeeded or not)
   * @param failed how many of those did not succeed
   * @param firstStart when its first task started, or null before any task ended
   * @param lastEnd when its latest task ended, or null before any task ended
   */
  public record RunProgress(int run, long done, long failed, Instant firstStart,
      Instant lastEnd) {}

  /**
   * The tasks ended so far per run of calculation {@code calcId}.
   *
   * @param calcId the calculation's id
   * @return one row per run that has recorded a task, by run number
   */
  public List<RunProgress> progress(long calcId) {
    return sql.query("""
        SELECT run_no, count(*), sum(status <> 'succeeded'), min(start_ms),
          max(start_ms + wall_ns / 1000000)
        FROM task WHERE calc_id = ? GROUP BY run_no ORDER BY run_no""",
        rs -> new RunProgress(rs.getInt(1), rs.getLong(2), rs.getLong(3),
            Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5))), calcId);
  }
}

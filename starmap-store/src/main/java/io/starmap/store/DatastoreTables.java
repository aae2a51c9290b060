package io.starmap.store;

import io.starmap.store.internal.Sql;
import java.util.List;
import java.util.Map;

/** Builds the datastore's tables from the rows of the calculation database. */
final class DatastoreTables {
  private DatastoreTables() {}

  /** One row per task: the {@code task_info} group. */
  static void taskInfo(Sql sql, long calcId, H5Group g) {
    record Row(long run, long taskNo, String name, double weight, String worker, long start,
        long wall, long cpu, long alloc, long sent, long received, long rss, long peakRss,
        long heap, String status) {}
    List<Row> rows = sql.query("""
        SELECT run_no, task_no, name, weight, worker, start_ms, wall_ns, cpu_ns, alloc, sent,
          received, rss, peak_rss, heap, status
        FROM task WHERE calc_id = ? ORDER BY run_no, task_no""",
        rs -> new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getDouble(4),
            rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
            rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14),
            rs.getString(15)), calcId);
    int n = rows.size();
    long[] run = new long[n];
    long[] taskNo = new long[n];
    String[] name = new String[n];
    double[] weight = new double[n];
    String[] worker = new String[n];
    double[] start = new double[n];
    double[] duration = new double[n];
    double[] cpu = new double[n];
    double[] allocMb = new double[n];
    long[] sent = new long[n];
    long[] received = new long[n];
    long[] rss = new long[n];
    long[] peakRss = new long[n];
    long[] heap = new long[n];
    String[] status = new String[n];
    boolean[] ok = new boolean[n];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      run[i] = r.run();
      taskNo[i] = r.taskNo();
      name[i] = r.name();
      weight[i] = r.weight();
      worker[i] = r.worker();
      start[i] = r.start() / 1000.0;
      duration[i] = r.wall() / 1e9;
      cpu[i] = r.cpu() / 1e9;
      allocMb[i] = r.alloc() / 1e6;
      sent[i] = r.sent();
      received[i] = r.received();
      rss[i] = r.rss();
      peakRss[i] = r.peakRss();
      heap[i] = r.heap();
      status[i] = r.status();
      ok[i] = r.status().equals("succeeded");
    }
    g.attr("__columns__", "taskname,task_no,run,weight,worker,start,duration,cpu,alloc_mb,sent,"
        + "received,rss,peak_rss,heap,status,ok");
    g.put("taskname", name).put("task_no", taskNo).put("run", run).put("weight", weight)
        .put("worker", worker)
        .put("start", start).attr("start.units", "s since 1970-01-01 UTC")
        .put("duration", duration).attr("duration.units", "s")
        .put("cpu", cpu).attr("cpu.units", "s")
        .put("alloc_mb", allocMb).attr("alloc_mb.units", "MB")
        .put("sent", sent).attr("sent.units", "bytes")
        .put("received", received).attr("received.units", "bytes")
        .put("rss", rss).attr("rss.units", "bytes")
        .put("peak_rss", peakRss).attr("peak_rss.units", "bytes")
        .put("heap", heap).attr("heap.units", "bytes of the master's heap when the task ended")
        .put("status", status)
        .put("ok", ok);
  }

  /** Bytes sent and received per task name: the {@code task_sent} group. */
  static void taskSent(Sql sql, long calcId, H5Group g) {
    List<Object[]> rows = sql.query("""
        SELECT name, count(*), sum(sent), sum(received), max(sent), max(received)
        FROM task WHERE calc_id = ? GROUP BY name ORDER BY sum(sent) DESC, name""",
        rs -> new Object[] {rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
            rs.getLong(5), rs.getLong(6)}, calcId);
    int n = rows.size();
    String[] name = new String[n];
    long[][] v = new long[5][n];
    for (int i = 0; i < n; i++) {
      Object[] r = rows.get(i);
      name[i] = (String) r[0];
      for (int j = 0; j < 5; j++) {
        v[j][i] = (Long) r[j + 1];
      }
    }
    g.attr("__columns__", "taskname,tasks,sent,received,max_sent,max_received");
    g.put("taskname", name).put("tasks", v[0]).put("sent", v[1]).put("received", v[2])
        .put("max_sent", v[3]).put("max_received", v[4]);
  }

  /** One row per starmap run. */
  static H5Table runs(Sql sql, long calcId) {
    List<Object[]> rows = sql.query("""
        SELECT run_no, task_name, executor, workers, start_ms, coalesce(stop_ms, 0), submitted,
          succeeded, failed, cancelled, bytes_sent, bytes_received, wall_ns, peak_heap, status
        FROM run WHERE calc_id = ? ORDER BY run_no""", rs -> {
          Object[] r = new Object[15];
          for (int i = 0; i < 15; i++) {
            r[i] = rs.getObject(i + 1);
          }
          return r;
        }, calcId);
    String[] cols = {"run", "taskname", "executor", "workers", "start_ms", "stop_ms",
        "submitted", "succeeded", "failed", "cancelled", "sent", "received", "wall_ns",
        "peak_heap", "status"};
    Map<String, Object> columns = new java.util.LinkedHashMap<>();
    for (int c = 0; c < cols.length; c++) {
      boolean text = c == 1 || c == 2 || c == 14;
      if (text) {
        String[] s = new String[rows.size()];
        for (int i = 0; i < s.length; i++) {
          s[i] = String.valueOf(rows.get(i)[c]);
        }
        columns.put(cols[c], s);
      } else {
        long[] l = new long[rows.size()];
        for (int i = 0; i < l.length; i++) {
          l[i] = ((Number) rows.get(i)[c]).longValue();
        }
        columns.put(cols[c], l);
      }
    }
    return new H5Table(columns);
  }

  /** The calculation's log. */
  static H5Table log(Sql sql, long calcId) {
    List<Object[]> rows = sql.query("SELECT time_ms, level, message FROM log WHERE calc_id = ?"
        + " ORDER BY id", rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)},
        calcId);
    long[] time = new long[rows.size()];
    String[] level = new String[rows.size()];
    String[] message = new String[rows.size()];
    for (int i = 0; i < time.length; i++) {
      time[i] = (Long) rows.get(i)[0];
      level[i] = (String) rows.get(i)[1];
      message[i] = (String) rows.get(i)[2];
    }
    return H5Table.builder().column("time_ms", time).column("level", level)
        .column("message", message).build();
  }

}

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
    boolean[] ok = new boolean[rows.size()];
    for (int i = 0; i < ok.length; i++) {
      ok[i] = rows.get(i).status().equals("succeeded");
    }
    g.attr("__columns__", "taskname,task_no,run,weight,worker,start,duration,cpu,alloc_mb,sent,"
        + "received,rss,peak_rss,heap,status,ok");
    g.put("taskname", rows.stream().map(Row::name).toArray(String[]::new))
        .put("task_no", rows.stream().mapToLong(Row::taskNo).toArray())
        .put("run", rows.stream().mapToLong(Row::run).toArray())
        .put("weight", rows.stream().mapToDouble(Row::weight).toArray())
        .put("worker", rows.stream().map(Row::worker).toArray(String[]::new))
        .put("start", rows.stream().mapToDouble(r -> r.start() / 1000.0).toArray())
        .attr("start.units", "s since 1970-01-01 UTC")
        .put("duration", rows.stream().mapToDouble(r -> r.wall() / 1e9).toArray())
        .attr("duration.units", "s")
        .put("cpu", rows.stream().mapToDouble(r -> r.cpu() / 1e9).toArray())
        .attr("cpu.units", "s")
        .put("alloc_mb", rows.stream().mapToDouble(r -> r.alloc() / 1e6).toArray())
        .attr("alloc_mb.units", "MB")
        .put("sent", rows.stream().mapToLong(Row::sent).toArray()).attr("sent.units", "bytes")
        .put("received", rows.stream().mapToLong(Row::received).toArray())
        .attr("received.units", "bytes")
        .put("rss", rows.stream().mapToLong(Row::rss).toArray()).attr("rss.units", "bytes")
        .put("peak_rss", rows.stream().mapToLong(Row::peakRss).toArray())
        .attr("peak_rss.units", "bytes")
        .put("heap", rows.stream().mapToLong(Row::heap).toArray())
        .attr("heap.units", "bytes of the master's heap when the task ended")
        .put("status", rows.stream().map(Row::status).toArray(String[]::new))
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

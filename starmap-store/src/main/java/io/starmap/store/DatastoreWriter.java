package io.starmap.store;

import io.starmap.store.internal.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

/**
 * A calculation's HDF5 datastore: the user's results, kept (redacted) as they are put, and the
 * whole file written once when the calculation ends, from its record, its rows in the database
 * and its per-task operations. Thread-safe.
 */
final class DatastoreWriter {
  /** The datastore's own groups, which results may not use. */
  static final Set<String> RESERVED =
      Set.of("performance_data", "task_info", "task_sent", "runs", "log");

  private final CalculationStore store;
  private final Sql sql;
  private final long id;
  private final Path file;
  private final long startMillis;
  private final H5Group results = new H5Group("/");

  DatastoreWriter(CalculationStore store, long id, Path file, long startMillis) {
    this.store = store;
    this.sql = store.sql();
    this.id = id;
    this.file = file;
    this.startMillis = startMillis;
  }

  /**
   * Checks that {@code key} is not one of the datastore's own groups.
   *
   * @throws IllegalArgumentException when it is
   */
  static void checkKey(String key) {
    String first = key.replaceAll("^/+", "").split("/")[0];
    if (RESERVED.contains(first)) {
      throw new IllegalArgumentException("'" + key + "' is reserved for the store's own "
          + "groups " + RESERVED + ": put results under another name, such as results/" + key);
    }
  }

  /** Keeps {@code group} (written by a user's value) under {@code key}, with secrets masked. */
  void put(String key, H5Group group) {
    synchronized (results) {
      redactInto(group, results.group(key));
    }
  }

  /**
   * Writes the datastore file.
   *
   * @return its size in bytes
   * @throws IOException when it cannot be written
   */
  long write(CalcStatus status, long stop, long peakMemory, RowBatcher rows) throws IOException {
    Datastore.write(file, build(status, stop, peakMemory, rows));
    return Files.size(file);
  }

  private H5Group build(CalcStatus status, long stop, long peakMemory, RowBatcher rows) {
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
        .attr("stop_ms", stop)
        .attr("peak_memory_bytes", Math.max(peakMemory, c.peakMemoryBytes()));
    DatastoreTables.taskInfo(sql, id, root.group("task_info"));
    DatastoreTables.taskSent(sql, id, root.group("task_sent"));
    DatastoreTables.runs(sql, id).writeTo(root.group("runs"));
    DatastoreTables.log(sql, id).writeTo(root.group("log"));
    rows.writePerTaskOps(root.group("performance_data"));
    synchronized (results) {
      for (String name : results.groupNames()) {
        root.rawGroups().put(name, results.child(name));
      }
    }
    return root;
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
}

package io.starmap.cli;

import io.starmap.core.internal.util.Bytes;
import io.starmap.store.CalcRecord;
import io.starmap.store.CalculationStore;
import io.starmap.store.Views;
import java.time.Instant;
import java.util.Locale;

/**
 * The tables of a calculation's views, as {@code starmap show} prints them one by one and {@code
 * starmap calcs export} writes them all: one place that says which columns a view has.
 */
final class ViewTables {
  private final CalculationStore store;
  private final Table.Format format;

  ViewTables(CalculationStore store, Table.Format format) {
    this.store = store;
    this.format = format;
  }

  /** Bytes for people in a table, as a number in the other formats. */
  Object bytes(long n) {
    return format == Table.Format.TABLE ? Bytes.human(n) : (Object) n;
  }

  Table performance(Views.Performance p) {
    Table t = Table.of("operation", "time_sec", "cpu_sec", "alloc_mb", "calls", "counts",
        "tasks");
    for (Views.OperationRow o : p.operations()) {
      t.row(o.operation(), o.timeSec(), o.cpuSec(), o.allocatedMb(), o.calls(), o.counts(),
          o.tasks());
    }
    return t.view("performance");
  }

  Table taskInfo(long calc) {
    Table t = Table.of("task", "count", "mean_sec", "stddev", "min_sec", "max_sec", "slowfac");
    for (Views.TaskInfoRow r : store.views().taskInfo(calc)) {
      t.row(r.taskName(), r.count(), r.meanSec(), format == Table.Format.TABLE
          ? String.format(Locale.ROOT, "%.0f%%", r.stddevPercent()) : (Object)
          r.stddevPercent(), r.minSec(), r.maxSec(), r.slowfac());
    }
    return t.view("task-info");
  }

  Table tasks(long calc, int slowest) {
    Table t = Table.of("run", "task_no", "task", "worker", "start", "duration_sec", "cpu_sec",
        "alloc_mb", "weight", "sent", "received", "rss", "status");
    for (Views.TaskRow r : store.views().tasks(calc, slowest)) {
      t.row(r.run(), r.taskNo(), r.taskName(), r.worker(), time(r.start()),
          r.durationSec(), r.cpuSec(), r.allocatedMb(), r.weight(), bytes(r.sentBytes()),
          bytes(r.receivedBytes()), bytes(Math.max(r.rssBytes(), r.peakRssBytes())),
          r.status());
    }
    return t.view("tasks");
  }

  Table transfer(long calc) {
    Table t = Table.of("task", "tasks", "sent", "received", "max_sent", "max_received");
    for (Views.TransferRow r : store.views().transfer(calc)) {
      t.row(r.taskName(), r.tasks(), bytes(r.sentBytes()), bytes(r.receivedBytes()),
          bytes(r.maxSentBytes()), bytes(r.maxReceivedBytes()));
    }
    return t.view("transfer");
  }

  Table runs(long calc) {
    Table t = Table.of("run", "task", "executor", "workers", "start", "wall_sec", "submitted",
        "succeeded", "failed", "cancelled", "sent", "received", "peak_heap", "status");
    for (Views.RunRow r : store.views().runs(calc)) {
      t.row(r.run(), r.taskName(), r.executor(), r.workers(), time(r.start()),
          r.wallSec(), r.submitted(), r.succeeded(), r.failed(), r.cancelled(),
          bytes(r.sentBytes()), bytes(r.receivedBytes()), bytes(r.peakHeapBytes()), r.status());
    }
    return t.view("runs");
  }

  Table log(long calc) {
    Table t = Table.of("time", "level", "message");
    for (Views.LogRow r : store.views().log(calc)) {
      t.row(time(r.time()), r.level(), r.message());
    }
    return t.view("log");
  }

  /** Everything the store knows of a calculation, one row. */
  Table record(CalcRecord c) {
    return Table.of("id", "kind", "description", "status", "user", "host", "pid", "executor",
            "workers", "parameters", "start", "stop", "size", "peak_memory", "error")
        .row(c.id(), c.kind(), c.description(), c.status().label(), c.user(), c.host(), c.pid(),
            c.executor(), c.workers(), c.parameters(), time(c.start()), time(c.stop()),
            bytes(c.sizeBytes()), bytes(c.peakMemoryBytes()), c.error())
        .view("record");
  }

  private static String time(Instant t) {
    return t == null ? null : StoreCommandBase.TIME.format(t);
  }
}

package io.starmap.ui.internal;

import io.starmap.store.CalcRecord;
import io.starmap.store.CalculationStore;
import io.starmap.store.ReportParts;
import io.starmap.store.Secrets;
import io.starmap.store.Views;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A calculation page's feed: its record, the progress of each run (ETA, tasks/s), the counts per
 * second of its operations (rows/s for an import), the report's timeline and memory charts and
 * tables, and the log's tail. The charts are drawn again only when something was recorded since,
 * and at most every two seconds while it runs; the progress, every second.
 */
final class CalcFeed implements Watcher.Feed {
  private static final int LOG_TAIL = 100;

  private final CalculationStore store;
  private final long id;
  /** How often, at most, a running calculation's charts are drawn again. */
  private static final long CHARTS_PERIOD_MS = 2000;
  private String fingerprint;
  private Map<String, Object> charts;
  private long chartsAt;
  private boolean chartsStale;

  CalcFeed(CalculationStore store, long id) {
    this.store = store;
    this.id = id;
  }

  @Override
  public String poll() {
    Views v = store.views();
    CalcRecord c;
    List<Views.RunRow> runs;
    List<Views.RunProgress> progress;
    List<Views.LogRow> log;
    try {
      c = store.get(id);
      runs = v.runs(id);
      progress = v.progress(id);
      log = v.log(id);
    } catch (NoSuchElementException e) {
      String gone = "event: gone\ndata: {\"id\":" + id + "}\n\n";
      return gone.equals(fingerprint) ? null : (fingerprint = gone);
    }
    String now = c.status() + "|" + c.stop() + "|" + c.peakMemoryBytes() + "|" + c.sizeBytes()
        + "|" + runs + "|" + progress + "|" + log.size();
    boolean changed = !now.equals(fingerprint);
    fingerprint = now;
    chartsStale |= changed;
    boolean chartsDue = chartsStale && (charts == null || c.status().isFinal()
        || System.currentTimeMillis() - chartsAt >= CHARTS_PERIOD_MS);
    if (!changed && !chartsDue) {
      return null;
    }
    if (chartsDue) {
      charts = charts(c);
      chartsAt = System.currentTimeMillis();
      chartsStale = false;
    }
    Map<String, Object> m = ListFeed.row(c, ListFeed.progress(c, runs, progress));
    m.put("host", c.host());
    m.put("pid", c.pid());
    m.put("executor", c.executor());
    m.put("workers", c.workers());
    m.put("tasks", progress.stream().mapToLong(Views.RunProgress::done).sum());
    m.put("ended", c.status().isFinal());
    m.put("runs", runs(runs, progress));
    m.putAll(charts);
    List<String> tail = new ArrayList<>();
    for (Views.LogRow l : log.subList(Math.max(0, log.size() - LOG_TAIL), log.size())) {
      tail.add(l.time() + " " + l.level() + " " + l.message());
    }
    m.put("log", tail);
    m.put("hdf5", c.status().isFinal() && Files.isRegularFile(c.datastore()));
    m.put("rejects", Files.isRegularFile(Routes.rejectsFile(store, id)));
    return "event: calc\ndata: " + Secrets.redact(Json.of(m)) + "\n\n";
  }

  /**
   * The parts that read every task: the task stream, memory, the tables and the rates of the
   * operations. They cost the most,
   * so while the calculation runs they are drawn again at most every {@link #CHARTS_PERIOD_MS}.
   */
  private Map<String, Object> charts(CalcRecord c) {
    List<Views.TaskRow> tasks = store.views().tasks(id, 0);
    return Map.of("timeline", ReportParts.timeline(c, tasks),
        "memory", ReportParts.memory(c, tasks), "tables", ReportParts.tables(store, id),
        "rates", rates(store.views().performance(id), c));
  }

  /** Each run with its progress: done of expected, tasks/s, and the ETA when the total is known. */
  private static List<Object> runs(List<Views.RunRow> runs, List<Views.RunProgress> progress) {
    List<Object> out = new ArrayList<>();
    for (Views.RunRow r : runs) {
      Views.RunProgress p = progress.stream().filter(x -> x.run() == r.run()).findFirst()
          .orElse(null);
      long done = p == null ? 0 : p.done();
      boolean ended = r.stop() != null;
      Instant until = ended ? r.stop() : Instant.now();
      double seconds = Math.max(1e-3, Duration.between(r.start(), until).toMillis() / 1000.0);
      double rate = done / seconds;
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run", r.run());
      m.put("task", r.taskName());
      m.put("status", ended ? r.status() : "executing");
      m.put("done", done);
      m.put("failed", p == null ? 0 : p.failed());
      m.put("expected", r.submitted());
      m.put("percent", r.submitted() > 0 ? Math.min(100.0, 100.0 * done / r.submitted())
          : ended ? 100.0 : null);
      m.put("rate", rate);
      m.put("eta", !ended && r.submitted() > 0 && rate > 0
          ? Math.max(0, r.submitted() - done) / rate : null);
      out.add(m);
    }
    return out;
  }

  /** Counts per second of each operation that counts something, such as the rows of a copy. */
  private static List<Object> rates(Views.Performance perf, CalcRecord c) {
    double seconds = Math.max(1e-3, c.duration().toMillis() / 1000.0);
    List<Object> out = new ArrayList<>();
    for (Views.OperationRow o : perf.operations()) {
      if (o.counts() > 0) {
        out.add(Map.of("operation", o.operation(), "counts", o.counts(),
            "perSecond", o.counts() / seconds));
      }
    }
    return out;
  }
}

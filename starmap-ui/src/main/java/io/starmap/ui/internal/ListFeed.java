package io.starmap.ui.internal;

import io.starmap.core.internal.util.Bytes;
import io.starmap.store.CalcRecord;
import io.starmap.store.CalcStatus;
import io.starmap.store.CalculationStore;
import io.starmap.store.Secrets;
import io.starmap.store.Views;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The calculations page's feed: the calculations that {@code starmap calcs list} (by status) or
 * {@code calcs search} (by text) would show, the newest first, with the progress of the running
 * ones.
 */
final class ListFeed implements Watcher.Feed {
  /** The most rows the page shows; the search and the status filter narrow them. */
  static final int LIMIT = 500;

  private final CalculationStore store;
  private final CalcStatus status;
  private final String text;
  private final Map<Long, String> ended = new HashMap<>();
  private String last;

  ListFeed(CalculationStore store, CalcStatus status, String text) {
    this.store = store;
    this.status = status;
    this.text = text == null ? "" : text.strip();
  }

  @Override
  public String poll() {
    List<CalcRecord> calcs = text.isEmpty() ? store.list(LIMIT, status)
        : store.search(text).stream().filter(c -> status == null || c.status() == status)
            .limit(LIMIT).toList();
    List<Object> rows = new ArrayList<>();
    for (CalcRecord c : calcs) {
      // an ended calculation's progress no longer changes: read once, not every second
      String progress = c.status().isFinal() ? ended.computeIfAbsent(c.id(),
          k -> progress(store, c)) : progress(store, c);
      rows.add(row(c, progress));
    }
    String json = Secrets.redact(Json.of(Map.of("calcs", rows)));
    if (json.equals(last)) {
      return null;
    }
    last = json;
    return "event: calcs\ndata: " + json + "\n\n";
  }

  private static String progress(CalculationStore store, CalcRecord c) {
    Views v = store.views();
    boolean live = c.status() != CalcStatus.COMPLETE;
    return progress(c, live ? v.runs(c.id()) : List.of(), live ? v.progress(c.id())
        : List.of());
  }

  /** One calculation as the list shows it, with its progress already read. */
  static Map<String, Object> row(CalcRecord c, String progress) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("status", c.status().label());
    m.put("kind", c.kind());
    m.put("description", c.description());
    m.put("start", c.start().toString());
    m.put("duration", c.duration().toMillis() / 1000.0);
    m.put("peak", c.peakMemoryBytes() > 0 ? Bytes.human(c.peakMemoryBytes()) : "");
    m.put("user", c.user());
    m.put("progress", progress);
    return m;
  }

  /** "100%" for a complete calculation; tasks done (and the percentage when known) otherwise. */
  static String progress(CalcRecord c, List<Views.RunRow> runs,
      List<Views.RunProgress> ended) {
    if (c.status() == CalcStatus.COMPLETE) {
      return "100%";
    }
    long done = 0;
    for (Views.RunProgress p : ended) {
      done += p.done();
    }
    long expected = 0;
    boolean known = true;
    for (Views.RunRow r : runs) {
      expected += r.submitted();
      known &= r.submitted() > 0;
    }
    if (known && expected > 0) {
      return Math.min(100, 100 * done / expected) + "% (" + done + " of " + expected + " tasks)";
    }
    return done + (done == 1 ? " task" : " tasks");
  }
}

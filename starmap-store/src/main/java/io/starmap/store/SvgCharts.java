package io.starmap.store;

import static io.starmap.store.HtmlReport.esc;
import static io.starmap.store.HtmlReport.f;
import static io.starmap.store.HtmlReport.num;
import static io.starmap.store.HtmlReport.seconds;
import static io.starmap.store.HtmlReport.shortWorker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The charts of the HTML report, as inline SVG: the task timeline per worker (tasks narrower than
 * a pixel merged, so its size is bounded by workers times width), the histogram of durations,
 * memory over time and throughput. Each returns a fragment of the page.
 */
final class SvgCharts {
  private static final int WIDTH = 960;
  private static final int LEFT = 150;
  private static final int RIGHT = 20;
  private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1",
      "#76b7b2", "#edc948", "#9c755f", "#bab0ac", "#ff9da7", "#e15759"};

  private SvgCharts() {}

  static Map<String, String> colors(List<Views.TaskRow> tasks) {
    Map<String, String> colors = new LinkedHashMap<>();
    for (Views.TaskRow t : tasks) {
      colors.computeIfAbsent(t.taskName(), k -> PALETTE[colors.size() % PALETTE.length]);
    }
    return colors;
  }

  static String gantt(List<Views.TaskRow> tasks, long t0, Map<String, String> colors) {
    if (tasks.isEmpty()) {
      return "<p class=\"empty\">No task has ended yet.</p>\n";
    }
    Map<String, List<Views.TaskRow>> byWorker = new TreeMap<>();
    double end = 0;
    for (Views.TaskRow t : tasks) {
      byWorker.computeIfAbsent(t.worker(), k -> new ArrayList<>()).add(t);
      end = Math.max(end, (t.start().toEpochMilli() - t0) / 1000.0 + t.durationSec());
    }
    end = Math.max(end, 0.001);
    int row = 18;
    int top = 10;
    int height = top + byWorker.size() * row + 40;
    StringBuilder s = svgOpen("timeline", height, "Task timeline: one row per worker");
    int y = top;
    for (Map.Entry<String, List<Views.TaskRow>> w : byWorker.entrySet()) {
      s.append("<text class=\"label\" x=\"").append(LEFT - 6).append("\" y=\"").append(y + 13)
          .append("\" text-anchor=\"end\">").append(esc(shortWorker(w.getKey())))
          .append("<title>").append(esc(w.getKey())).append("</title></text>\n");
      workerRow(s, w.getValue(), y + 2, row - 4, t0, end, colors);
      y += row;
    }
    xAxis(s, y, end, "seconds since the calculation started");
    s.append("</svg>\n");
    s.append("<p class=\"legend\">");
    colors.forEach((name, color) -> s.append("<span><i style=\"background:").append(color)
        .append("\"></i>").append(esc(name)).append("</span> "));
    s.append("<span><i style=\"background:#d62728\"></i>failed or cancelled</span></p>\n");
    return s.toString();
  }

  /**
   * One worker's tasks as bars at {@code y}, {@code height} high; tasks narrower than two pixels
   * merge with their neighbour of the same colour.
   */
  private static void workerRow(StringBuilder s, List<Views.TaskRow> tasks, int y, int height,
      long t0, double end, Map<String, String> colors) {
    double plot = WIDTH - LEFT - RIGHT;
    double msPx = plot / (end * 1000);
    List<Views.TaskRow> list = new ArrayList<>(tasks);
    list.sort(Comparator.comparing(Views.TaskRow::start));
    double curX = -1;
    double curEnd = -1;
    String curColor = null;
    int merged = 0;
    String title = null;
    for (Views.TaskRow t : list) {
      double x = LEFT + plot * ((t.start().toEpochMilli() - t0) / 1000.0) / end;
      double x2 = Math.max(x + 0.5, LEFT + plot * ((t.start().toEpochMilli() - t0) / 1000.0
          + t.durationSec()) / end);
      String color = t.status().equals("succeeded") ? colors.get(t.taskName()) : "#d62728";
      // tasks narrower than two pixels merge with their neighbour; wider ones keep a gap.
      // Starts are known to the millisecond, so a gap below a millisecond is not idle time.
      if (curColor != null && color.equals(curColor) && x - curEnd < Math.max(0.5, msPx)
          && x2 - x < 2) {
        curEnd = Math.max(curEnd, x2);
        merged++;
        continue;
      }
      if (curColor != null) {
        rect(s, curX, y, gap(curEnd - curX), height, curColor, merged > 1
            ? merged + " tasks" : title);
      }
      curX = x;
      curEnd = x2;
      curColor = color;
      merged = 1;
      title = t.taskName() + " #" + t.taskNo() + ": " + seconds(t.durationSec())
          + (t.status().equals("succeeded") ? "" : " (" + t.status() + ")");
    }
    if (curColor != null) {
      rect(s, curX, y, gap(curEnd - curX), height, curColor, merged > 1
          ? merged + " tasks" : title);
    }
  }

  static String histogram(List<Views.TaskRow> tasks) {
    if (tasks.isEmpty()) {
      return "<p class=\"empty\">No task has ended yet.</p>\n";
    }
    double[] sorted = tasks.stream().mapToDouble(Views.TaskRow::durationSec).sorted().toArray();
    double longest = Math.max(sorted[sorted.length - 1], 1e-6);
    // a few outliers would squeeze every other task into the first bar: beyond 5 times the
    // 99.5th percentile, they are counted in the last bar instead
    double p995 = sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.995))];
    double max = longest > 5 * p995 && p995 > 0 ? p995 * 1.05 : longest;
    long beyond = 0;
    int bins = 30;
    long[] counts = new long[bins];
    for (double d : sorted) {
      if (d > max) {
        beyond++;
      }
      counts[Math.min(bins - 1, (int) (d / max * bins))]++;
    }
    long top = 1;
    for (long n : counts) {
      top = Math.max(top, n);
    }
    int height = 220;
    int bottom = height - 40;
    double plot = WIDTH - LEFT - RIGHT;
    StringBuilder s = svgOpen("histogram", height, "Histogram of task durations");
    yAxis(s, 10, bottom, top, "tasks");
    for (int i = 0; i < bins; i++) {
      double bh = (bottom - 10) * (double) counts[i] / top;
      rect(s, LEFT + plot * i / bins + 1, bottom - bh, plot / bins - 2, bh, PALETTE[0],
          counts[i] + " tasks of " + seconds(max * i / bins) + " to "
              + seconds(max * (i + 1) / bins));
    }
    xAxis(s, bottom, max, "task duration, seconds");
    s.append("</svg>\n");
    if (beyond > 0) {
      s.append("<p class=\"legend\">The last bar also counts the ").append(beyond)
          .append(beyond == 1 ? " task" : " tasks").append(" longer than ").append(seconds(max))
          .append(" (the longest took ").append(seconds(longest)).append(").</p>\n");
    }
    return s.toString();
  }

  static String memory(List<Views.TaskRow> tasks, long t0) {
    List<double[]> heap = new ArrayList<>();
    List<double[]> rss = new ArrayList<>();
    double end = 0.001;
    double top = 1;
    List<Views.TaskRow> sorted = new ArrayList<>(tasks);
    sorted.sort(Comparator.comparingDouble(t -> t.start().toEpochMilli() + t.durationSec() * 1e3));
    for (Views.TaskRow t : sorted) {
      double x = (t.start().toEpochMilli() - t0) / 1000.0 + t.durationSec();
      end = Math.max(end, x);
      heap.add(new double[] {x, t.heapBytes() / 1e6});
      top = Math.max(top, t.heapBytes() / 1e6);
      long r = Math.max(t.rssBytes(), t.peakRssBytes());
      if (r > 0) {
        rss.add(new double[] {x, r / 1e6});
        top = Math.max(top, r / 1e6);
      }
    }
    if (heap.isEmpty()) {
      return "<p class=\"empty\">No task has ended yet.</p>\n";
    }
    int height = 240;
    int bottom = height - 40;
    StringBuilder s = svgOpen("memory", height, "Memory over time");
    yAxis(s, 10, bottom, top, "MB");
    polyline(s, heap, end, top, bottom, PALETTE[0], "master heap when a task ended");
    if (!rss.isEmpty()) {
      polyline(s, rss, end, top, bottom, PALETTE[1], "worker resident memory");
    }
    xAxis(s, bottom, end, "seconds since the calculation started");
    s.append("</svg>\n<p class=\"legend\"><span><i style=\"background:").append(PALETTE[0])
        .append("\"></i>master heap in use when a task ended</span>");
    if (!rss.isEmpty()) {
      s.append(" <span><i style=\"background:").append(PALETTE[1])
          .append("\"></i>worker resident memory (peak during the task)</span>");
    }
    return s.append("</p>\n").toString();
  }

  static String throughput(List<Views.TaskRow> tasks, long t0) {
    if (tasks.isEmpty()) {
      return "<p class=\"empty\">No task has ended yet.</p>\n";
    }
    double end = 0.001;
    for (Views.TaskRow t : tasks) {
      end = Math.max(end, (t.start().toEpochMilli() - t0) / 1000.0 + t.durationSec());
    }
    int bins = Math.max(1, Math.min(60, tasks.size()));
    double width = end / bins;
    long[] counts = new long[bins];
    for (Views.TaskRow t : tasks) {
      double x = (t.start().toEpochMilli() - t0) / 1000.0 + t.durationSec();
      counts[Math.min(bins - 1, (int) (x / width))]++;
    }
    double top = 1e-9;
    for (long n : counts) {
      top = Math.max(top, n / width);
    }
    int height = 220;
    int bottom = height - 40;
    double plot = WIDTH - LEFT - RIGHT;
    StringBuilder s = svgOpen("throughput", height, "Tasks completed per second");
    yAxis(s, 10, bottom, top, "tasks/s");
    for (int i = 0; i < bins; i++) {
      double rate = counts[i] / width;
      double bh = (bottom - 10) * rate / top;
      rect(s, LEFT + plot * i / bins + 0.5, bottom - bh, Math.max(0.5, plot / bins - 1), bh,
          PALETTE[2], String.format(Locale.ROOT, "%.3g tasks/s from %s to %s", rate,
              seconds(i * width), seconds((i + 1) * width)));
    }
    xAxis(s, bottom, end, "seconds since the calculation started");
    s.append("</svg>\n<p class=\"legend\">").append(tasks.size()).append(" tasks in ")
        .append(seconds(end)).append(String.format(Locale.ROOT, ", %.3g tasks/s on average",
            tasks.size() / end)).append("</p>\n");
    return s.toString();
  }

  /** A task's width less a hairline, so that tasks that follow each other stay apart. */
  private static double gap(double width) {
    return width >= 3 ? width - 1 : width;
  }

  private static StringBuilder svgOpen(String id, int height, String title) {
    return new StringBuilder().append("<svg id=\"").append(id).append("-chart\" class=\"chart\""
        + " xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
        .append("\" role=\"img\"><title>").append(esc(title)).append("</title>\n");
  }

  private static void rect(StringBuilder s, double x, double y, double w, double h,
      String color, String title) {
    s.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" width=\"")
        .append(f(Math.max(w, 0))).append("\" height=\"").append(f(Math.max(h, 0)))
        .append("\" fill=\"").append(color).append("\">");
    if (title != null) {
      s.append("<title>").append(esc(title)).append("</title>");
    }
    s.append("</rect>\n");
  }

  private static void polyline(StringBuilder s, List<double[]> points, double xMax, double yMax,
      int bottom, String color, String title) {
    double plot = WIDTH - LEFT - RIGHT;
    // one point per pixel column is all the eye can see: keep the largest of each column
    TreeMap<Integer, Double> columns = new TreeMap<>();
    for (double[] p : points) {
      int col = (int) Math.round(plot * p[0] / xMax);
      columns.merge(col, p[1], Math::max);
    }
    s.append("<polyline fill=\"none\" stroke=\"").append(color)
        .append("\" stroke-width=\"1.5\" points=\"");
    columns.forEach((col, val) -> s.append(f(LEFT + col)).append(',')
        .append(f(bottom - (bottom - 10) * val / yMax)).append(' '));
    s.append("\"><title>").append(esc(title)).append("</title></polyline>\n");
  }

  private static void xAxis(StringBuilder s, int y, double max, String label) {
    double plot = WIDTH - LEFT - RIGHT;
    s.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(y)
        .append("\" x2=\"").append(WIDTH - RIGHT).append("\" y2=\"").append(y).append("\"/>\n");
    for (double t : ticks(max)) {
      double x = LEFT + plot * t / max;
      s.append("<line class=\"tick\" x1=\"").append(f(x)).append("\" y1=\"").append(y)
          .append("\" x2=\"").append(f(x)).append("\" y2=\"").append(y + 4).append("\"/>")
          .append("<text class=\"tick\" x=\"").append(f(x)).append("\" y=\"").append(y + 16)
          .append("\" text-anchor=\"middle\">").append(num(t)).append("</text>\n");
    }
    s.append("<text class=\"label\" x=\"").append(LEFT + (int) plot / 2).append("\" y=\"")
        .append(y + 32).append("\" text-anchor=\"middle\">").append(esc(label))
        .append("</text>\n");
  }

  private static void yAxis(StringBuilder s, int top, int bottom, double max, String label) {
    s.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(top)
        .append("\" x2=\"").append(LEFT).append("\" y2=\"").append(bottom).append("\"/>\n");
    for (double t : ticks(max)) {
      double y = bottom - (bottom - top) * t / max;
      s.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(f(y))
          .append("\" x2=\"").append(WIDTH - RIGHT).append("\" y2=\"").append(f(y))
          .append("\"/><text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"")
          .append(f(y + 4)).append("\" text-anchor=\"end\">").append(num(t)).append("</text>\n");
    }
    s.append("<text class=\"label\" x=\"14\" y=\"").append((top + bottom) / 2)
        .append("\" transform=\"rotate(-90 14 ").append((top + bottom) / 2)
        .append(")\" text-anchor=\"middle\">").append(esc(label)).append("</text>\n");
  }

  /** Round tick values from 0 to {@code max}: steps of 1, 2 or 5 times a power of ten. */
  static List<Double> ticks(double max) {
    List<Double> out = new ArrayList<>();
    if (!(max > 0) || Double.isInfinite(max)) {
      out.add(0.0);
      return out;
    }
    double raw = max / 6;
    double pow = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / pow < 1.5 ? pow : raw / pow < 3.5 ? 2 * pow : raw / pow < 7.5
        ? 5 * pow : 10 * pow;
    for (int i = 0; i * step <= max * 1.0001 && i < 20; i++) {
      out.add(i * step);
    }
    return out;
  }
}

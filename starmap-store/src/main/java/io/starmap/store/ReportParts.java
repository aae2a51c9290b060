package io.starmap.store;

import java.util.List;

/**
 * The parts of the {@link HtmlReport} that another page can show on its own, such as the live
 * page of a running calculation: the same charts and tables, drawn by the same code, so that the
 * live page and the report agree. Each part is an HTML fragment with its text escaped and secrets
 * removed; the {@link #css() style sheet} styles them.
 */
public final class ReportParts {
  private ReportParts() {}

  /**
   * The task timeline: one lane per worker, a bar per task coloured by task name, failed tasks in
   * red, tasks narrower than a pixel merged; and its legend.
   *
   * @param calc the calculation, whose start is the origin of the time axis
   * @param tasks its tasks, as {@link Views#tasks(long, int) Views.tasks(id, 0)} returns them
   * @return an SVG chart and its legend, or a paragraph saying no task has ended yet
   */
  public static String timeline(CalcRecord calc, List<Views.TaskRow> tasks) {
    return Secrets.redact(SvgCharts.gantt(tasks, origin(calc, tasks), SvgCharts.colors(tasks)));
  }

  /**
   * Memory over time: the master's heap when each task ended and the workers' resident memory.
   *
   * @param calc the calculation, whose start is the origin of the time axis
   * @param tasks its tasks, as {@link Views#tasks(long, int) Views.tasks(id, 0)} returns them
   * @return an SVG chart and its legend, or a paragraph saying no task has ended yet
   */
  public static String memory(CalcRecord calc, List<Views.TaskRow> tasks) {
    return Secrets.redact(SvgCharts.memory(tasks, origin(calc, tasks)));
  }

  /**
   * The performance, task-info, transfer and runs tables of calculation {@code id}, each under
   * its heading, as in the report.
   *
   * @param store the store that holds the calculation
   * @param id the calculation's id
   * @return the tables as HTML
   * @throws java.util.NoSuchElementException when there is no such calculation
   */
  public static String tables(CalculationStore store, long id) {
    StringBuilder h = new StringBuilder(8 * 1024);
    Views v = store.views();
    HtmlReport.tables(h, v, id, v.performance(id));
    return Secrets.redact(h.toString());
  }

  /**
   * The style sheet of the report, for a page that shows its parts.
   *
   * @return CSS text
   */
  public static String css() {
    return HtmlReport.CSS;
  }

  /** The report's time origin: the calculation's start, or an earlier task's. */
  static long origin(CalcRecord calc, List<Views.TaskRow> tasks) {
    long t0 = calc.start().toEpochMilli();
    for (Views.TaskRow t : tasks) {
      t0 = Math.min(t0, t.start().toEpochMilli());
    }
    return t0;
  }
}

package io.starmap.cli.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders a benchmark {@link ImportBench.Report} as Markdown: environment, command, table. */
public final class BenchMarkdown {
  private BenchMarkdown() {}

  /** The columns of the results table, shared with the terminal table. */
  public static final List<String> COLUMNS = List.of("shape", "group", "case", "files", "rows",
      "runs", "best s", "median s", "client cpu s", "server cpu s", "rows/s", "x best psql",
      "x psql median", "target", "verdict");

  /** The cells of one result, in {@link #COLUMNS} order (numbers stay numbers). */
  public static List<Object> cells(ImportBench.Result r) {
    boolean ran = !r.seconds().isEmpty();
    return java.util.Arrays.asList(r.shape().label(), r.group(), r.name(), r.files(), r.rows(),
        r.seconds().size(),
        ran ? round(r.best(), 2) : null,
        ran ? round(r.median(), 2) : null,
        r.clientCpu().isEmpty() ? null : round(r.clientCpuMedian(), 2),
        r.serverCpu().isEmpty() ? null : round(r.serverCpuMedian(), 2),
        ran ? Math.round(r.rowsPerSecond()) : null,
        r.ratio() == null ? null : round(r.ratio(), 2),
        r.medianRatio() == null ? null : round(r.medianRatio(), 2),
        r.target() == null ? null : "<= " + r.target(),
        r.error() != null ? "failed: " + shorten(r.error()) : r.verdict());
  }

  /** The whole report as a Markdown document section. */
  public static String render(ImportBench.Report report, String command) {
    StringBuilder sb = new StringBuilder();
    sb.append("### starmap bench import\n\n");
    sb.append("Command: `").append(command).append("`\n\n");
    sb.append("| | |\n|---|---|\n");
    for (Map.Entry<String, String> e : report.environment().entrySet()) {
      sb.append("| ").append(e.getKey()).append(" | ").append(escape(e.getValue()))
          .append(" |\n");
    }
    sb.append("\nWhole-process wall times; one shape after the other, each after an untimed "
        + "import of its data that trains the launcher's class archive, each case ran `runs` "
        + "times in a shuffled order per round; the table was truncated, the ledger's rows for "
        + "it deleted and vacuumed and a checkpoint taken before each run, and its row count "
        + "checked after. `x best psql` is the best time over the best psql streams time of the "
        + "same shape; `x psql median` the median time over the best median of the psql "
        + "streams of the same shape (steadier on a noisy machine). `client cpu s` is the "
        + "median user and system CPU time of the processes a run started (the importer's JVM, "
        + "or the psql, cat and sh processes), `server cpu s` that of the PostgreSQL server's "
        + "processes during the run (empty when the server is not a local process).\n\n");
    sb.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n");
    sb.append(COLUMNS.stream().map(c -> "---").collect(Collectors.joining("|", "|", "|")))
        .append('\n');
    for (ImportBench.Result r : report.results()) {
      sb.append("| ").append(cells(r).stream().map(BenchMarkdown::text)
          .collect(Collectors.joining(" | "))).append(" |\n");
    }
    return sb.toString();
  }

  /** The start of an error message (the whole one is in the case's log). */
  private static String shorten(String error) {
    String e = error.replaceAll("\\s+", " ");
    return e.length() <= 120 ? e : e.substring(0, 117) + "...";
  }

  private static String text(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return String.format(Locale.ROOT, "%.2f", d);
    }
    return escape(v.toString());
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static double round(double v, int places) {
    double f = Math.pow(10, places);
    return Math.round(v * f) / f;
  }
}

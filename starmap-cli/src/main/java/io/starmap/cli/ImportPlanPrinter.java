package io.starmap.cli;

import io.starmap.importer.ImportPlan;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code starmap import --dry-run} prints: the plan for a reader ({@code --format table}),
 * the first rows as CSV ({@code csv}) or XML ({@code xml}), or the whole plan as one JSON object ({@code json}).
 */
final class ImportPlanPrinter {
  private ImportPlanPrinter() {}

  static void print(ImportPlan p, PrintWriter out, Table.Format format) {
    switch (format) {
      case TABLE -> text(p, out);
      case CSV -> sample(p, "").print(out, Table.Format.CSV);
      case JSON -> out.println(json(p));
      case XML -> sample(p, null).view("sample").print(out, Table.Format.XML);
    }
    out.flush();
  }

  private static void text(ImportPlan p, PrintWriter out) {
    String columns = String.join(", ", p.tableColumns());
    if (p.tableExists()) {
      out.println("table:    " + p.table() + " exists with columns " + columns);
    } else {
      out.println("table:    " + p.table() + " does not exist; the import would run");
      out.println("          " + p.createStatement().replace("\n", "\n          "));
      out.println("          which makes the columns " + columns);
    }
    if (p.truncate()) {
      out.println("truncate: " + p.rowsTruncated() + " rows and the table's ledger entries"
          + " would go first");
    }
    out.println("dialect:  delimiter " + shown(p.delimiter()) + ", quote " + shown(p.quote())
        + ", escape " + shown(p.escape()) + ", null '" + p.nullString() + "', encoding "
        + p.encoding());
    out.println("header:   " + (p.header() ? "yes" : "no"));
    out.println("plan:     " + count(p.files(), "file") + ", " + count(p.pieces(), "piece")
        + " in " + count(p.tasks(), "task") + ", " + count(p.bytesToLoad(), "byte") + " to load"
        + (p.piecesSkipped() > 0 ? "; " + count(p.piecesSkipped(), "piece") + " ("
            + count(p.rowsSkipped(), "row") + ") already loaded" : ""));
    out.println("first " + count(p.sampleRows().size(), "row") + " as they would be loaded:");
    sample(p, "NULL").print(out, Table.Format.TABLE);
    out.println("dry run: nothing was created, truncated or loaded");
  }

  /** The first rows under the columns they go to; NULL shown as {@code nullShown}. */
  private static Table sample(ImportPlan p, String nullShown) {
    Table t = new Table(p.columns());
    for (List<String> row : p.sampleRows()) {
      Object[] values = new Object[p.columns().size()];
      for (int i = 0; i < values.length && i < row.size(); i++) {
        values[i] = row.get(i) == null ? nullShown : row.get(i);
      }
      t.row(values);
    }
    return t;
  }

  private static String json(ImportPlan p) {
    StringBuilder sb = new StringBuilder("{\n");
    field(sb, "table", Table.json(p.table()));
    field(sb, "create", p.createStatement() == null ? "null" : Table.json(p.createStatement()));
    field(sb, "table_columns", strings(p.tableColumns()));
    field(sb, "truncate", String.valueOf(p.truncate()));
    field(sb, "rows_truncated", String.valueOf(p.rowsTruncated()));
    field(sb, "delimiter", Table.json(String.valueOf(p.delimiter())));
    field(sb, "quote", Table.json(String.valueOf(p.quote())));
    field(sb, "escape", Table.json(String.valueOf(p.escape())));
    field(sb, "null", Table.json(p.nullString()));
    field(sb, "encoding", Table.json(p.encoding()));
    field(sb, "header", String.valueOf(p.header()));
    field(sb, "columns", strings(p.columns()));
    field(sb, "files", String.valueOf(p.files()));
    field(sb, "pieces", String.valueOf(p.pieces()));
    field(sb, "tasks", String.valueOf(p.tasks()));
    field(sb, "bytes_to_load", String.valueOf(p.bytesToLoad()));
    field(sb, "pieces_already_loaded", String.valueOf(p.piecesSkipped()));
    field(sb, "rows_already_loaded", String.valueOf(p.rowsSkipped()));
    field(sb, "sample_rows", p.sampleRows().stream().map(ImportPlanPrinter::strings)
        .collect(Collectors.joining(", ", "[", "]")));
    field(sb, "messages", strings(p.messages()));
    return sb.append("  \"loaded\": false\n}").toString();
  }

  private static void field(StringBuilder sb, String name, String json) {
    sb.append("  ").append(Table.json(name)).append(": ").append(json).append(",\n");
  }

  /** A JSON array of strings, null for null. */
  private static String strings(List<String> values) {
    return values.stream().map(v -> v == null ? "null" : Table.json(v))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String count(long n, String what) {
    return n + " " + what + (n == 1 ? "" : "s");
  }

  private static String shown(char c) {
    return c == '\t' ? "tab" : String.format(Locale.ROOT, "'%c'", c);
  }
}

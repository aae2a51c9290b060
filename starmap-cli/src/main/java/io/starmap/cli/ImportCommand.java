package io.starmap.cli;

import io.starmap.core.internal.util.JvmExit;
import io.starmap.importer.BadInputException;
import io.starmap.importer.Connections;
import io.starmap.importer.ImportException;
import io.starmap.importer.ImportListener;
import io.starmap.importer.ImportOptions;
import io.starmap.importer.ImportPlan;
import io.starmap.importer.PgTarget;
import io.starmap.importer.ImportProgress;
import io.starmap.importer.ImportReport;
import io.starmap.importer.Importer;
import io.starmap.importer.db.Database;
import io.starmap.store.Calculation;
import io.starmap.store.CalculationStore;
import io.starmap.store.StarmapHome;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code starmap import PATH... --table T}: the parallel CSV-to-PostgreSQL importer. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = {"Imports CSV files (plain, .gz, .zst, .bz2 or .xz; files, directories, globs) "
        + "into a PostgreSQL table with parallel COPY streams, exactly once: a re-run after a "
        + "crash or an error loads only what is missing.",
        "Every import is a calculation: see it with 'starmap calcs list' and 'starmap show'."},
    footer = {"", "Examples:",
        "  starmap gen prices data/ --days 10",
        "  starmap import data/ --table prices --create \"code text, date date, value numeric\"",
        "  starmap import 'data/*.csv.gz' --table prices --header yes --max-errors 100",
        "  starmap import big.csv --table t --executor threads --workers 4 --task-size 32"})
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Parameters(paramLabel = "PATH", arity = "1..*",
      description = "Files, directories (read recursively) or globs; .gz files are streamed;"
          + " - reads standard input (once).")
  List<String> paths;

  @Option(names = "--table", required = true, paramLabel = "T",
      description = "The target table: NAME or SCHEMA.NAME (quoted as given).")
  String table;

  @Mixin ImportFormatOptions format;

  @Option(names = "--executor", paramLabel = "E",
      description = "no, threads, virtual, processes or cluster (default: "
          + Importer.DEFAULT_EXECUTOR + ", measured fastest here).")
  String executor;

  @Option(names = "--workers", paramLabel = "N",
      description = "Parallel COPY streams (default: the number of cores).")
  Integer workers;

  @Option(names = "--max-errors", paramLabel = "N", defaultValue = "0",
      description = "Bad rows to skip and write to the rejects file; 0 stops at the first "
          + "(default: ${DEFAULT-VALUE}).")
  long maxErrors;

  @Option(names = "--rejects", paramLabel = "FILE",
      description = "Where rejected rows go (default: $STARMAP_HOME/calc_<id>.rejects).")
  Path rejects;

  @Option(names = "--task-size", paramLabel = "MB", defaultValue = "64",
      description = "Most megabytes per task: big files are split, tiny ones grouped "
          + "(default: ${DEFAULT-VALUE}).")
  int taskSizeMb;

  @Option(names = "--connections", paramLabel = "per-worker|shared", defaultValue = "per-worker",
      description = "One connection per worker, or one shared by all (default: ${DEFAULT-VALUE}).")
  String connections;

  @Option(names = "--copy-format", paramLabel = "binary|text", defaultValue = "binary",
      description = "binary: parsed here and sent as binary COPY (less server work; a task with "
          + "input it cannot take exactly as the server would loads as text); text: the CSV "
          + "bytes as they are, the server parses. Default: ${DEFAULT-VALUE}.")
  io.starmap.importer.CopyFormat copyFormat;

  @Option(names = "--force", description = "Load again what the ledger says was loaded.")
  boolean force;

  @Option(names = "--dry-run",
      description = "Print what the import would do (files, pieces, tasks, dialect, header, the "
          + "table it would create, the first rows as they would be loaded) and change nothing.")
  boolean dryRun;

  @Mixin FormatOption formatOption;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ImportOptions.Builder b = checkedOptions();
    Opened opened = openStoreAndDatabase(err);
    if (dryRun) {
      return dryRun(opened, b.build(), out);
    }
    try (Database database = opened.database(); CalculationStore store = opened.store();
         Calculation calc = store.start("import", "import " + String.join(" ", paths)
             + " into " + table, parameters(database))) {
      ImportOptions options = b.calcId(calc.id()).recorder(calc).build();
      ImportReport report = load(database, options, calc, out);
      calc.log(System.Logger.Level.INFO, "imported " + report.rowsLoaded() + " rows into "
          + report.table() + " (" + report.rowsRejected() + " rejected, "
          + report.rowsSkipped() + " skipped as already loaded)");
      calc.complete();
      summary(report, calc.id()).print(out, formatOption.format);
      if (report.rejectsPath() != null) {
        err.println("starmap: " + report.rowsRejected() + " bad rows written to "
            + report.rejectsPath());
      }
      err.flush();
      markArchiveTrained();
      return 0;
    }
  }

  /**
   * Prints the plan. A dry run is not a calculation: it loads nothing, so it leaves no record
   * that {@code calcs}, {@code show} or {@code report} would list among the imports.
   */
  private int dryRun(Opened opened, ImportOptions options, PrintWriter out) {
    try (Database database = opened.database(); CalculationStore store = opened.store()) {
      ImportPlan plan = Importer.plan(PgTarget.of(database), options,
          new ProgressPrinter(spec.commandLine().getErr()));
      ImportPlanPrinter.print(plan, out, formatOption.format);
      return 0;
    } catch (ImportException e) {
      throw new UserException(message(e, maxErrors), e);
    }
  }

  /** The options as given, checked now: a bad one is a usage error (exit 2) before any work. */
  private ImportOptions.Builder checkedOptions() {
    try {
      ImportOptions.Builder b = ImportOptions.builder(table).paths(paths).maxErrors(maxErrors)
          .rejects(rejects).taskSizeMb(taskSizeMb).force(force)
          .connections(parseConnections(connections)).copyFormat(copyFormat);
      format.applyTo(b);
      if (executor != null) {
        b.executor(executor);
      }
      if (workers != null) {
        b.workers(workers);
      }
      b.build();
      return b;
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e, 2);
    }
  }

  private record Opened(Database database, CalculationStore store) {}

  /**
   * The calculation store and the database, opened at once: each takes a good part of a second
   * (measured: 0.7 s and 0.5 s of a 2 s run that loads nothing). Main may have started both
   * while the command line was parsed (see ImportPrefetch).
   */
  private Opened openStoreAndDatabase(PrintWriter err) {
    ImportPrefetch prefetched = ImportPrefetch.take();
    CompletableFuture<CalculationStore> opening = prefetched != null ? prefetched.store
        : CompletableFuture.supplyAsync(() -> CalculationStore.open(StarmapHome.resolve()));
    Database database;
    try {
      database = prefetched != null ? prefetched.databaseOrNull(db.url()) : null;
      if (database == null) {
        database = db.open(err);
      }
    } catch (RuntimeException e) {
      opening.thenAccept(CalculationStore::close);
      throw e;
    }
    try {
      return new Opened(database, opening.join());
    } catch (CompletionException e) {
      database.close();
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /** The calculation's parameters: what this import was asked to do. */
  private Map<String, String> parameters(Database database) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("table", table);
    params.put("paths", String.join(" ", paths));
    params.put("db", database.url().redacted());
    params.put("executor", executor != null ? executor : Importer.DEFAULT_EXECUTOR);
    params.put("workers", String.valueOf(workers != null ? workers : Importer.defaultWorkers()));
    format.putParameters(params);
    params.put("max_errors", String.valueOf(maxErrors));
    params.put("task_size_mb", String.valueOf(taskSizeMb));
    params.put("connections", connections);
    params.put("force", String.valueOf(force));
    params.put("copy_format", copyFormat.name().toLowerCase(Locale.ROOT));
    return params;
  }

  /** Runs the import with its progress on stderr; a failure is recorded, then reported. */
  private ImportReport load(Database database, ImportOptions options, Calculation calc,
      PrintWriter out) {
    ProgressPrinter progress = new ProgressPrinter(spec.commandLine().getErr());
    ImportReport report;
    try {
      report = Importer.run(database, options, progress);
    } catch (ImportException e) {
      progress.finish();
      calc.log(System.Logger.Level.ERROR, e.getMessage());
      calc.fail(e);
      if (e.report() != null) {
        summary(e.report(), calc.id()).print(out, formatOption.format);
      }
      throw new UserException(JvmExit.ending() ? "import into " + table + " interrupted"
          + " (calculation " + calc.id() + ", aborted): run it again to load the rest"
          : message(e, maxErrors) + (e instanceof BadInputException ? ""
          : " (calculation " + calc.id() + ")"), e);
    } catch (IllegalArgumentException e) {
      progress.finish();
      calc.fail(e);
      throw new UserException(e.getMessage(), e, 2);
    }
    progress.finish();
    return report;
  }

  /**
   * Tells bin/starmap that this import, its class-archive training run, succeeded: only then is
   * the archive made from it (a failed or usage-error run loads other classes).
   */
  private static void markArchiveTrained() {
    String marker = System.getProperty("starmap.archive.trained");
    if (marker == null) {
      return;
    }
    try {
      java.nio.file.Files.write(Path.of(marker), new byte[0]);
    } catch (java.io.IOException | RuntimeException e) {
      // no archive then; the import itself succeeded
    }
  }

  /**
   * The library's message, with the options that answer its kind of failure (the library names
   * none: a Java caller has no flags), and, after a failure, whether the server left the rows it
   * counts unconfirmed too.
   */
  static String message(ImportException e, long maxErrors) {
    return e.getMessage() + hint(e, maxErrors) + alsoUnconfirmed(e);
  }

  private static String hint(ImportException e, long maxErrors) {
    return switch (e.kind()) {
      case TABLE_MISSING -> "; give --create \"col type, ...\" to create it, or --create auto to"
          + " infer the columns from the input";
      case INFERRED_TYPE_MISMATCH -> e instanceof BadInputException b ? " (when the table is"
          + " created again: --type " + b.column() + "=" + b.fittingType()
          + " with --create auto, or --create \"col type, ...\")" : "";
      case COLUMN_LIST -> " (--columns)";
      case DIALECT_UNKNOWN -> " (--delimiter C, --quote C)";
      case TOO_MANY_BAD_ROWS -> " (--max-errors " + maxErrors + ")";
      case FILE_CHANGED_AFTER_PARTIAL_LOAD -> " (bad rows are allowed with --max-errors N,"
          + " a forced reload is --force)";
      case BAD_ROW, COMMITS_UNCONFIRMED, OTHER -> "";
    };
  }

  /** After another failure, that the rows the summary counts are not confirmed durable either. */
  private static String alsoUnconfirmed(ImportException e) {
    for (Throwable t : e.getSuppressed()) {
      if (t instanceof ImportException u && u.kind() == ImportException.Kind.COMMITS_UNCONFIRMED) {
        return "; and " + u.getMessage();
      }
    }
    return "";
  }

  private static Connections parseConnections(String s) {
    return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "per-worker" -> Connections.PER_WORKER;
      case "shared" -> Connections.SHARED;
      default -> throw new IllegalArgumentException(
          "--connections must be per-worker or shared, got '" + s + "'");
    };
  }

  static Table summary(ImportReport r, long calcId) {
    return Table.of("calc", "table", "files", "pieces", "rows loaded", "rejected",
            "skipped as already loaded", "bytes", "time s", "rows/s")
        .row(calcId, r.table(), r.files(), r.pieces(), r.rowsLoaded(), r.rowsRejected(),
            r.rowsSkipped(), r.bytes(), Math.round(r.wallNanos() / 1e6) / 1e3,
            Math.round(r.rowsPerSecond())).view("import");
  }

  /**
   * Progress on stderr: a bar redrawn in place on a terminal, else one plain line every few
   * seconds. The importer writes its messages (plan, header decision) to the calculation's log
   * itself: it is the import's recorder.
   */
  static final class ProgressPrinter implements ImportListener {
    private static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
    private final PrintWriter err;
    private final boolean terminal = isTerminal();
    private long lastPlain = System.nanoTime();
    private boolean drawn;

    ProgressPrinter(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void onMessage(String message) {
      if (message.startsWith("rejected ")) {
        return;
      }
      if (drawn) {
        err.print("\r\033[K");
        drawn = false;
      }
      err.println("starmap: " + message);
      err.flush();
    }

    @Override
    public void onProgress(ImportProgress p) {
      if (terminal) {
        err.print("\r\033[K" + bar(p));
        drawn = true;
        err.flush();
      } else if (System.nanoTime() - lastPlain >= PLAIN_EVERY_NANOS
          || p.tasksDone() == p.tasksTotal()) {
        lastPlain = System.nanoTime();
        err.println("starmap: " + line(p));
        err.flush();
      }
    }

    void finish() {
      if (drawn) {
        err.println();
        err.flush();
        drawn = false;
      }
    }

    static String bar(ImportProgress p) {
      if (p.bytesTotal() < 0) {
        return line(p); // no total to draw a bar against
      }
      int width = 30;
      int full = (int) Math.round(p.fraction() * width);
      return "[" + "#".repeat(full) + " ".repeat(width - full) + "] " + line(p);
    }

    static String line(ImportProgress p) {
      double secs = p.elapsedNanos() / 1e9;
      if (p.bytesTotal() < 0) {
        // standard input: its size is known only at its end
        return String.format(Locale.ROOT, "%,.1f MB read, %d tasks done, %,d rows, %,.0f rows/s,"
            + " %.1f MB/s", p.bytesDone() / 1e6, p.tasksDone(), p.rowsLoaded(),
            secs > 0 ? p.rowsLoaded() / secs : 0.0, secs > 0 ? p.bytesDone() / 1e6 / secs : 0.0)
            + (p.rowsRejected() > 0 ? ", " + p.rowsRejected() + " rejected" : "");
      }
      long eta = p.etaNanos();
      return String.format(Locale.ROOT, "%3.0f%% %d/%d tasks, %,d rows, %,.0f rows/s, %.1f MB/s,"
          + " ETA %s", p.fraction() * 100, p.tasksDone(), p.tasksTotal(), p.rowsLoaded(),
          secs > 0 ? p.rowsLoaded() / secs : 0.0, secs > 0 ? p.bytesDone() / 1e6 / secs : 0.0,
          eta < 0 ? "?" : String.format(Locale.ROOT, "%.0fs", eta / 1e9))
          + (p.rowsRejected() > 0 ? ", " + p.rowsRejected() + " rejected" : "");
    }

    private static boolean isTerminal() {
      java.io.Console c = System.console();
      if (c == null) {
        return false;
      }
      try {
        // Java 22+ returns a console even when redirected; isTerminal tells the truth there.
        return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return true;
      }
    }
  }
}

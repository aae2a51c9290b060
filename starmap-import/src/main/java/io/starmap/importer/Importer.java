package io.starmap.importer;

import io.starmap.core.FailurePolicy;
import io.starmap.core.Idempotent;
import io.starmap.core.Outcome;
import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.Task;
import io.starmap.core.TaskFailedException;
import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.importer.internal.ConnectionPool;
import io.starmap.importer.internal.CopyRunner;
import io.starmap.importer.internal.CopyTask;
import io.starmap.importer.internal.Dialect;
import io.starmap.importer.internal.FileSet;
import io.starmap.importer.internal.Hashes;
import io.starmap.importer.internal.Headers;
import io.starmap.importer.internal.InputFile;
import io.starmap.importer.internal.Ledger;
import io.starmap.importer.internal.Piece;
import io.starmap.importer.internal.Planner;
import io.starmap.importer.internal.Sql;
import io.starmap.importer.internal.TaskResult;
import io.starmap.store.StarmapHome;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

/**
 * The parallel CSV-to-PostgreSQL importer. One call plans the pieces, runs one {@code COPY ...
 * FROM STDIN} transaction per task on the chosen executor (with the pieces' ledger rows in the
 * same transaction, so a re-run loads exactly what is missing), and returns what it did.
 *
 * <pre>{@code
 * ImportReport r = Importer.run(PgTarget.of("jdbc:postgresql://localhost/db?user=me"),
 *     ImportOptions.builder("prices").path("data/").create("code text, date date, value numeric")
 *         .build(),
 *     ImportListener.none());
 * }</pre>
 */
public final class Importer {
  /** The executor used when the options name none: measured fastest on 2-core machines. */
  public static final String DEFAULT_EXECUTOR = "threads";

  private Importer() {}

  /** Executors whose tasks run in this JVM. */
  private static final java.util.Set<String> IN_THIS_JVM = java.util.Set.of("no", "threads",
      "virtual");

  /**
   * Starts listing the files of a directory that an import may be given, in the background: a
   * command line can call it before it has parsed its options (a run whose input is exactly this
   * path then takes the listing; otherwise it is not used). Not a directory: nothing happens.
   *
   * @param path a command line's input path, as given; anything that is not a directory is ignored
   */
  public static void listAhead(String path) {
    FileSet.prefetch(path);
  }

  /**
   * The default number of workers: one COPY stream per core.
   *
   * @return the number of available processors
   */
  public static int defaultWorkers() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Imports into {@code db} (the embedded PostgreSQL or any other, see {@link
   * io.starmap.importer.db.Databases#open}); the same as {@link #run(PgTarget, ImportOptions,
   * ImportListener)} with {@link PgTarget#of(io.starmap.importer.db.Database)}.
   *
   * @param db the database to import into; it stays open
   * @param o what to import and how
   * @param listener told of progress and messages; not null
   * @return what the import did
   */
  public static ImportReport run(io.starmap.importer.db.Database db, ImportOptions o,
      ImportListener listener) {
    return run(PgTarget.of(db), o, listener);
  }

  /**
   * Imports.
   *
   * @param target the PostgreSQL to import into
   * @param o what to import and how
   * @param listener told of progress and messages; not null
   * @return what the import did; {@link ImportReport#accountingBalances()} holds
   * @throws BadInputException at the first bad row when no bad rows are allowed
   * @throws ImportException when the import cannot be done or stopped (its {@link
   *     ImportException#report()} tells what was committed before)
   */
  public static ImportReport run(PgTarget target, ImportOptions o, ImportListener listener) {
    long t0 = System.nanoTime();
    ImportListener l = safe(listener);
    String executor = o.executor() != null ? o.executor() : DEFAULT_EXECUTOR;
    int workers = o.workers() > 0 ? o.workers() : defaultWorkers();
    Dialect dialect = new Dialect((byte) o.delimiter(), (byte) o.quote(), (byte) o.escape(),
        o.nullString(), o.encoding());
    Charset charset = io.starmap.importer.internal.Encodings.charset(o.encoding());
    // Listing tens of thousands of files takes as long as connecting: both at once.
    CompletableFuture<List<InputFile>> expanding = CompletableFuture.supplyAsync(
        () -> FileSet.expand(o.paths()), r -> {
          Thread t = new Thread(r, "starmap-import-files");
          t.setDaemon(true);
          t.start();
        });
    String runKey = UUID.randomUUID().toString();

    List<InputFile> files;
    String tableName;
    List<Sql.Column> columns;
    boolean header;
    String ledgerKey;
    Planner.Plan plan;
    try (Connection c = connect(target, expanding)) {
      files = expanded(expanding);
      // one round trip for the table and the ledger's existence, a second for the ledger's rows
      Sql.TableInfo table = Sql.tableInfo(c, o.table());
      if (table == null) {
        if (o.create() == null) {
          throw new ImportException("table " + o.table() + " does not exist in "
              + target.redacted() + "; give --create \"col type, ...\" to create it");
        }
        createTable(c, o.table(), o.create());
        table = Sql.tableInfo(c, o.table());
        if (table == null) {
          throw new ImportException("the column definitions (" + o.create() + ") did not"
              + " create table " + o.table());
        }
        l.onMessage("created table " + table.name() + " (" + o.create() + ")");
      }
      tableName = table.name();
      columns = table.columns();
      ledgerKey = table.ledgerKey();
      boolean ledgerHasRows = false;
      if (!table.ledgerExists()) {
        Ledger.ensure(c);
      } else {
        ledgerHasRows = Ledger.hasRows(c, ledgerKey);
      }
      header = resolveHeader(c, o, files, dialect, charset, columns, l);
      Map<InputFile, String> hashes = Map.of();
      Map<String, List<Ledger.Range>> loaded = Map.of();
      if (ledgerHasRows) {
        hashes = hashAll(files);
        if (o.force()) {
          Ledger.forget(c, ledgerKey, hashes.values());
          l.onMessage("--force: forgot what the ledger held for these files; loading them again");
        } else {
          loaded = Ledger.loaded(c, ledgerKey, hashes.values());
          refuseEditedPartialFiles(c, ledgerKey, tableName, hashes, loaded);
        }
      }
      // A big file's scan can overlap its loading only where tasks can wait for the file's hash
      // in this JVM, and only when the hash is not needed first to look the file up.
      boolean stream = hashes.isEmpty() && IN_THIS_JVM.contains(executor);
      plan = Planner.plan(files, hashes, loaded, new Planner.Settings(dialect, charset, header,
          columns, tableName, workers, (long) o.taskSizeMb() << 20, stream ? runKey : null));
    } catch (SQLException e) {
      throw new ImportException("cannot prepare the import into " + o.table() + " at "
          + target.redacted() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ImportException("cannot read the input: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new ImportException(e.getMessage(), e);
    }
    l.onMessage("plan: " + plan.files() + " files, " + (plan.streamed().isEmpty() ? "" : "about ")
        + plan.pieces() + " pieces in " + plan.taskCount() + " tasks of about "
        + (plan.targetBytes() >> 20) + " MB, " + plan.bytesPlanned() + " bytes to load"
        + (plan.streamed().isEmpty() ? "" : "; " + plan.streamed().size()
            + " big file(s) cut while loading")
        + (plan.piecesSkipped() > 0 ? "; "
            + plan.piecesSkipped() + " pieces (" + plan.rowsSkipped()
            + " rows) already loaded" : ""));

    boolean binary = o.copyFormat() == CopyFormat.BINARY;
    if (binary) {
      String why = !dialect.utf8() ? "the files are not UTF-8"
          : columns.stream().filter(col -> !io.starmap.importer.internal.CopyRunner
              .binarySupported(col.type())).map(col -> "column " + col.name() + " is "
              + col.type()).findFirst().orElse(null);
      if (why != null) {
        binary = false;
        l.onMessage("binary COPY not used (" + why + "): loading CSV text");
      }
    }
    String quoted = Sql.qualified(tableName);
    boolean copyBinary = binary;
    String table = tableName;
    String key = ledgerKey;
    List<Sql.Column> tableColumns = columns;
    Planner.Plan planned = plan;
    java.util.function.Function<List<Piece>, CopyTask> toTask = pieces -> new CopyTask(runKey,
        target, quoted, table, key, tableColumns, dialect, pieces, o.maxErrors(), o.calcId(),
        o.connections(), copyBinary);
    // every task submitted so far, by task number (the run pulls them in the consumer's thread)
    List<CopyTask> tasks = new ArrayList<>();
    // set at the first failure: no task is submitted after it
    java.util.concurrent.atomic.AtomicBoolean stopping =
        new java.util.concurrent.atomic.AtomicBoolean();
    Iterable<CopyTask> source = () -> new java.util.Iterator<>() {
      final java.util.Iterator<List<Piece>> eager = planned.tasks().iterator();
      final java.util.Iterator<Planner.StreamedSplit> splits = planned.streamed().iterator();
      java.util.Iterator<Piece> split = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        if (stopping.get()) {
          return false;
        }
        if (eager.hasNext()) {
          return true;
        }
        while (!split.hasNext()) {
          if (!splits.hasNext()) {
            return false;
          }
          split = splits.next();
        }
        return true;
      }

      @Override
      public CopyTask next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException("no more import tasks");
        }
        CopyTask t = toTask.apply(eager.hasNext() ? eager.next() : List.of(split.next()));
        tasks.add(t);
        return t;
      }
    };
    // Idempotent thanks to the ledger: a task run again (its cluster member died mid-COPY) loads
    // only what the ledger does not record, so the cluster executor may re-run it elsewhere.
    Task<CopyTask, TaskResult> copy = (Task<CopyTask, TaskResult> & Idempotent) CopyRunner::run;
    Starmap<CopyTask, TaskResult> starmap = Starmap.builder("import", copy)
        .executor(executor).workers(workers).failurePolicy(FailurePolicy.COLLECT_ALL)
        .recorder(o.recorder()).weight(t -> t.bytes() / 1e6).describe(CopyTask::describe)
        .build();

    // No task starts after it; a big file's scan stops too (the tasks awaiting its hash then fail
    // without committing, rather than wait for the rest of the file to be read).
    Runnable stopRun = () -> {
      stopping.set(true);
      CopyRunner.stopRun(runKey);
      planned.streamed().forEach(Planner.StreamedSplit::close);
    };
    Totals t = new Totals();
    Path rejectsPath = null;
    OutputStream rejectsOut = null;
    ImportException failure = null;
    plan.streamed().forEach(Planner.StreamedSplit::start);
    try (Run<TaskResult> run = plan.taskCount() == 0 ? null : starmap.submit(source)) {
      if (run != null) {
        // After the first failure the run stops, but it still takes the outcomes of the tasks in
        // flight: one may have committed while the failure came in (its rows are in the table
        // and the ledger, so the report must count them and the rejects file must hold its bad
        // rows: a re-run skips its pieces). In this JVM the tasks that have not started yet load
        // nothing; a worker process or cluster member runs its queued ones (at most maxInFlight).
        for (Outcome<TaskResult> out : run) {
          if (!out.succeeded()) {
            if (failure == null) {
              failure = toImportException(out.failure());
              stopRun.run();
            }
            continue;
          }
          TaskResult r = out.value();
          if (!r.started()) {
            continue;
          }
          t.add(r, tasks.get((int) out.taskNo()).bytes());
          if (!r.rejects().isEmpty()) {
            if (rejectsOut == null) {
              rejectsPath = o.rejects() != null ? o.rejects() : defaultRejects(o.calcId());
              rejectsOut = openRejects(rejectsPath);
            }
            writeRejects(rejectsOut, r.rejects(), l);
          }
          if (t.rejected > o.maxErrors() && failure == null) {
            failure = new ImportException("more than " + o.maxErrors() + " bad rows (--max-errors "
                + o.maxErrors() + "): stopped; the bad rows are in " + rejectsPath);
            stopRun.run();
          }
          l.onProgress(new ImportProgress(t.tasks, Math.max(t.tasks, plan.taskCount()),
              t.bytesDone, plan.bytesPlanned(), t.loaded, t.rejected, System.nanoTime() - t0));
        }
      }
    } catch (TaskFailedException e) {
      failure = toImportException(e);
    } catch (RuntimeException e) {
      failure = e instanceof ImportException ie ? ie
          : new ImportException("import into " + tableName + " stopped: " + e.getMessage(), e);
    } finally {
      plan.streamed().forEach(Planner.StreamedSplit::close);
      Hashes.forgetRun(runKey);
      CopyRunner.forgetRun(runKey);
      ConnectionPool.closeRun(runKey);
      if (rejectsOut != null) {
        try {
          rejectsOut.close();
        } catch (IOException e) {
          failure = failure != null ? failure
              : new ImportException("cannot write " + rejectsPath + ": " + e.getMessage(), e);
        }
      }
    }
    ImportReport report = new ImportReport(tableName, plan.files(), t.pieces,
        plan.piecesSkipped() + t.piecesSkipped, t.tasks,
        t.read + t.rowsSkipped + plan.rowsSkipped(), t.loaded, t.rejected,
        plan.rowsSkipped() + t.rowsSkipped, t.bytes, plan.bytesSkipped(), System.nanoTime() - t0,
        starmap.executorName(), starmap.workers(), header, o.calcId(), rejectsPath);
    if (failure != null) {
      throw failure.withReport(report);
    }
    if (!report.accountingBalances()) {
      throw new ImportException("row accounting mismatch: read " + report.rowsRead()
          + " but loaded " + report.rowsLoaded() + " + rejected " + report.rowsRejected()
          + " + skipped " + report.rowsSkipped()).withReport(report);
    }
    return report;
  }

  /**
   * Stops an import that would load some rows twice: a file of which the ledger holds part of
   * another version (an import failed on it, then it was edited, usually to fix the bad row)
   * and nothing of this one. The ledger keys pieces by content, so the new version would load
   * whole, and the rows committed from the old one would be there twice. A file whose new
   * version was loaded already (for example with --force) passes.
   */
  private static void refuseEditedPartialFiles(Connection c, String ledgerKey, String tableName,
      Map<InputFile, String> hashes, Map<String, List<Ledger.Range>> loaded) throws SQLException {
    Map<String, String> unloaded = new java.util.HashMap<>();
    hashes.forEach((f, h) -> {
      if (!loaded.containsKey(h)) {
        unloaded.put(f.name(), h);
      }
    });
    List<Ledger.PartialVersion> partial = Ledger.partialOtherVersions(c, ledgerKey, unloaded);
    if (partial.isEmpty()) {
      return;
    }
    Ledger.PartialVersion p = partial.get(0);
    throw new ImportException(p.file() + " has changed since "
        + (p.calcId() >= 0 ? "calculation " + p.calcId() : "an import") + " loaded "
        + p.pieces() + " of its pieces (" + p.rows() + " rows, " + p.bytes() + " of its "
        + p.size() + " bytes) into " + tableName + ": loading it now would load those rows"
        + " a second time"
        + (partial.size() > 1 ? " (and so for " + (partial.size() - 1) + " more file(s))" : "")
        + ". To load the rest exactly once, put back the version that was loaded and run again"
        + " with --max-errors N (the bad rows go to the rejects file); or delete those rows and"
        + " run with --force to load the new version whole");
  }

  /** Connects; when that fails, an error in the input paths is told first. */
  private static Connection connect(PgTarget target,
      CompletableFuture<List<InputFile>> expanding) throws SQLException {
    try {
      return target.connect();
    } catch (SQLException | RuntimeException e) {
      expanded(expanding);
      throw e;
    }
  }

  /** The input files, or the error that listing them threw. */
  private static List<InputFile> expanded(CompletableFuture<List<InputFile>> expanding) {
    try {
      return expanding.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  private static final class Totals {
    int tasks;
    int pieces;
    long read;
    long loaded;
    long rejected;
    long bytes;
    long bytesDone;
    int piecesSkipped;
    long rowsSkipped;

    void add(TaskResult r, long taskBytes) {
      tasks++;
      bytesDone += taskBytes;
      piecesSkipped += r.piecesSkipped();
      rowsSkipped += r.rowsSkipped();
      pieces += r.pieces();
      read += r.rowsRead();
      loaded += r.rowsLoaded();
      rejected += r.rejects().size();
      bytes += r.bytes();
    }
  }

  private static ImportException toImportException(TaskFailedException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof ImportException ie) {
        return ie;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return new ImportException("import task " + e.taskName() + "#" + e.taskNo() + " failed on "
        + e.workerId() + ": " + cause.getMessage(), e);
  }

  private static boolean resolveHeader(Connection c, ImportOptions o, List<InputFile> files,
      Dialect d, Charset cs, List<Sql.Column> cols, ImportListener l)
      throws SQLException, IOException {
    if (o.header() != Header.AUTO) {
      return o.header() == Header.YES;
    }
    for (InputFile f : files) {
      if (f.size() == 0) {
        continue;
      }
      List<String> fields = Headers.firstRecord(f, d, cs);
      if (fields == null) {
        continue;
      }
      if (Headers.allNames(fields, cols)) {
        l.onMessage("header: yes (the first record of " + f.name() + " names table columns)");
        return true;
      }
      if (fields.size() == cols.size() && !parsesAs(c, fields, cols, o.nullString())) {
        l.onMessage("header: yes (the first record of " + f.name()
            + " does not parse as the column types)");
        return true;
      }
      l.onMessage("header: no (the first record of " + f.name() + " is data)");
      return false;
    }
    return false;
  }

  private static boolean parsesAs(Connection c, List<String> fields, List<Sql.Column> cols,
      String nullString) throws SQLException {
    for (int i = 0; i < fields.size(); i++) {
      String v = fields.get(i);
      if (v.equals(nullString)) {
        continue;
      }
      // the type text comes from the catalog (format_type), not from the user
      try (PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS " + cols.get(i).type()
          + ")")) {
        ps.setString(1, v);
        ps.executeQuery().close();
      } catch (SQLException e) {
        if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
          return false;
        }
        throw e;
      }
    }
    return true;
  }

  /** The content hash of every file, read by one stream per core, each with its own buffer. */
  private static Map<InputFile, String> hashAll(List<InputFile> files) {
    String[] hashes = new String[files.size()];
    int streams = Math.max(1, Math.min(files.size(), defaultWorkers()));
    IntStream.range(0, streams).parallel().forEach(s -> {
      MessageDigest d = Hashes.sha256();
      byte[] buffer = new byte[1 << 16];
      for (int i = s; i < hashes.length; i += streams) {
        hashes[i] = Hashes.of(files.get(i).path(), d, buffer);
      }
    });
    Map<InputFile, String> out = new HashMap<>(files.size() * 2);
    for (int i = 0; i < hashes.length; i++) {
      out.put(files.get(i), hashes[i]);
    }
    return out;
  }

  private static Path defaultRejects(long calcId) {
    Path home = StarmapHome.resolve();
    String name = calcId >= 0 ? "calc_" + calcId + ".rejects"
        : "import_" + System.currentTimeMillis() + ".rejects";
    return home.resolve(name);
  }

  private static OutputStream openRejects(Path p) {
    try {
      if (p.getParent() != null) {
        OwnerOnly.createDirectories(p.getParent());
      }
      // owner-only from its creation: it holds raw input rows
      OutputStream out = new BufferedOutputStream(OwnerOnly.newOutputStream(p), 1 << 16);
      out.write("file,line,reason,record\n".getBytes(StandardCharsets.UTF_8));
      return out;
    } catch (IOException e) {
      throw new ImportException("cannot write the rejects file " + p + ": " + e.getMessage(), e);
    }
  }

  /**
   * One CSV row per reject; the record is the original bytes, quoted, without its newline, copied
   * from the input file through a small buffer (a bad line may be longer than the heap).
   */
  private static void writeRejects(OutputStream out, List<TaskResult.Reject> rejects,
      ImportListener l) {
    try {
      for (TaskResult.Reject r : rejects) {
        out.write(csv(r.file()).getBytes(StandardCharsets.UTF_8));
        out.write((',' + Long.toString(r.line()) + ',').getBytes(StandardCharsets.UTF_8));
        out.write(csv(r.reason()).getBytes(StandardCharsets.UTF_8));
        out.write(',');
        r.writeRecordTo(out);
        out.write('\n');
        l.onMessage("rejected " + r.file() + ":" + r.line() + ": " + r.reason());
      }
    } catch (IOException e) {
      throw new ImportException("cannot write rejected rows: " + e.getMessage(), e);
    }
  }

  private static String csv(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /** Creates the table; the server's refusal names the table and the definitions given. */
  private static void createTable(Connection c, String table, String columns) {
    try {
      Sql.createTable(c, table, columns);
    } catch (SQLException | IllegalArgumentException e) {
      throw new ImportException("cannot create table " + table + " from the column definitions ("
          + columns + "): " + e.getMessage(), e);
    }
  }

  private static ImportListener safe(ImportListener l) {
    ImportListener inner = l == null ? ImportListener.none() : l;
    return new ImportListener() {
      @Override
      public void onProgress(ImportProgress p) {
        try {
          inner.onProgress(p);
        } catch (RuntimeException e) {
          // progress reporting never breaks an import
        }
      }

      @Override
      public void onMessage(String m) {
        try {
          inner.onMessage(m);
        } catch (RuntimeException e) {
          // idem
        }
      }
    };
  }
}

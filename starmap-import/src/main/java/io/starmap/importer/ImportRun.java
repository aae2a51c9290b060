package io.starmap.importer;

import io.starmap.core.Starmap;
import io.starmap.importer.internal.ColumnList;
import io.starmap.importer.internal.ConnectionPool;
import io.starmap.importer.internal.CopyAttempt;
import io.starmap.importer.internal.CopyTask;
import io.starmap.importer.internal.Dialect;
import io.starmap.importer.internal.FileSet;
import io.starmap.importer.internal.Hashes;
import io.starmap.importer.internal.HeaderDetection;
import io.starmap.importer.internal.InputFile;
import io.starmap.importer.internal.Ledger;
import io.starmap.importer.internal.LedgerGate;
import io.starmap.importer.internal.PgEncoding;
import io.starmap.importer.internal.Piece;
import io.starmap.importer.internal.PlanMessage;
import io.starmap.importer.internal.Planner;
import io.starmap.importer.internal.RunState;
import io.starmap.importer.internal.Sql;
import io.starmap.importer.internal.StageMonitor;
import io.starmap.importer.internal.Truncation;
import io.starmap.importer.internal.Witness;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * One import, as its stages: {@link #prepare} (the table, the header, the ledger's gate), {@link
 * #plan}, {@link ImportLoad load} and {@link #report}. Everything the run's tasks share in this
 * JVM (whether it stops, the hashes of files still being scanned, its connections) is its own
 * {@link RunState}, closed when it ends, so runs in one JVM never meet; see {@link RunState} for
 * how a task in another JVM finds its run's state there.
 */
final class ImportRun {
  /** Executors whose tasks run in this JVM. */
  private static final Set<String> IN_THIS_JVM = Set.of("no", "threads", "virtual");

  private final PgTarget target;
  private final ImportOptions o;
  private final ImportListener listener;
  private final long t0 = System.nanoTime();
  /** The preparation's connection, open until the commits are confirmed. */
  private Witness witness;
  private final String executor;
  private final int workers;
  private final Charset charset;
  /** Standard input when the paths name it ({@code -}), else null. */
  private final StdinInput stdin;
  /** The run's own stages, measured on its recorder if it is a monitor: {@link StageMonitor}. */
  private final StageMonitor master;
  /** A dry run plans and changes nothing: see {@link #dryRun()}. */
  private final boolean dry;
  /** The statement that created the table (or would, in a dry run); null when it existed. */
  private String createStatement;
  /** The rows a truncate removed (or would, in a dry run). */
  private long rowsTruncated;
  /** The input's dialect, sniffed where the options leave it open: known once prepared. */
  private Dialect dialect;
  /** The sniffed dialect and inferred columns: known once prepared. */
  private InputShape shape;

  /** What the prepare stage found: the table, whether files have a header, the ledger's part. */
  record Prepared(String tableName, List<Sql.Column> columns, String ledgerKey, boolean header,
      Map<InputFile, String> hashes, Map<String, List<Ledger.Range>> loaded,
      List<InputFile> files, List<String> fields, List<String> fieldsHeader) {}

  ImportRun(PgTarget target, ImportOptions o, ImportListener listener) {
    this(target, o, listener, System.in, false);
  }

  /** A run whose standard input ({@code -} among the paths) is {@code in}. */
  ImportRun(PgTarget target, ImportOptions o, ImportListener listener, InputStream in) {
    this(target, o, listener, in, false);
  }

  /** A run, or with {@code dry} a plan that changes nothing; standard input is {@code in}. */
  ImportRun(PgTarget target, ImportOptions o, ImportListener listener, InputStream in,
      boolean dry) {
    this.dry = dry;
    this.target = target;
    this.o = o;
    this.listener = dry ? new DryRun.Messages(listener) : listener;
    this.executor = o.executor() != null ? o.executor() : Importer.DEFAULT_EXECUTOR;
    this.workers = o.workers() > 0 ? o.workers() : Importer.defaultWorkers();
    this.master = StageMonitor.of(o.recorder());
    this.charset = PgEncoding.charset(o.encoding());
    this.stdin = StdinInput.of(o.paths(), executor, in, charset,
        (long) o.taskSizeMb() << 20);
    // an unknown name is refused now, before a table is created for a run that cannot start
    Starmap.map("import", (Object x) -> x).executor(executor);
  }

  ImportReport run() {
    Prepared p;
    Planner.Plan plan;
    ImportLoad.Result done;
    Exception unconfirmed;
    // the run's state closes (its connections, its scans' hashes) before the report is made
    try (RunState state = new RunState(UUID.randomUUID().toString()); stdin) {
      try {
        try (var m = master.measure("prepare")) {
          p = prepare();
        }
        try (var m = master.measure("plan")) {
          plan = plan(p, state);
        }
        ImportLoad load = new ImportLoad(o, listener, state, plan, t0, stdin);
        done = load.run(copyTask(p, state), executor, workers);
        // what this run committed, and what the ledger says earlier runs did, before the report
        ImportLoad.Totals t = done.totals();
        try (var m = master.measure("confirm")) {
          unconfirmed = witness.confirm(p.ledgerKey(),
              t.pieces + t.piecesSkipped + plan.piecesSkipped() > 0, done.failure());
        }
      } finally {
        if (witness != null) {
          witness.close();
        }
      }
    }
    return report(p, plan, done, unconfirmed);
  }

  /**
   * The prepare and plan stages without their changes: the table is created in a transaction
   * rolled back at once (so its columns are the server's reading of the statement), the ledger
   * is read but neither created nor changed, nothing is truncated or loaded.
   */
  ImportPlan dryRun() {
    try (RunState state = new RunState(UUID.randomUUID().toString()); stdin) {
      Prepared p = prepare();
      Planner.Plan plan = plan(p, state);
      return DryRun.plan(new DryRun.Stages(o, dialect, charset, p, plan, createStatement,
          rowsTruncated, ((DryRun.Messages) listener).told()));
    }
  }

  /** Prepares: lists the files, creates the table if asked, decides the header, asks the ledger. */
  private Prepared prepare() {
    // Listing tens of thousands of files takes as long as connecting: both at once.
    Executor inBackground = r -> {
      Thread t = new Thread(r, "starmap-import-files");
      t.setDaemon(true);
      t.start();
    };
    CompletableFuture<List<InputFile>> expanding = CompletableFuture.supplyAsync(
        () -> FileSet.expand(stdin == null ? o.paths() : StdinInput.files(o.paths())),
        inBackground);
    // and the sample read, sniffed and typed meanwhile, as if the table were missing
    CompletableFuture<InputShape.Ahead> shaping = expanding.thenApplyAsync(
        files -> InputShape.ahead(o, files, stdin), inBackground);
    Connection c = null;
    try {
      c = connect(expanding);
      ConnectionPool.untimed(c);
      List<InputFile> files = expanded(expanding);
      Sql.TableInfo existing = Sql.tableInfo(c, o.table());
      shape = InputShape.settle(o, expanded(shaping), existing, listener::onMessage);
      dialect = shape.dialect();
      if (stdin != null) {
        stdin.open(dialect);
      }
      Prepared prepared = prepare(c, files, existing != null ? existing : create(c));
      if (!dry) {
        witness = Witness.keep(c);
        c = null;
      }
      return prepared;
    } catch (SQLException e) {
      throw new ImportException("cannot prepare the import into " + o.table() + " at "
          + target.redacted() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new ImportException("cannot read the input: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new ImportException(e.getMessage(), e);
    } finally {
      ConnectionPool.closeQuietly(c); // null once kept as the witness
    }
  }

  private Prepared prepare(Connection c, List<InputFile> files, Sql.TableInfo table)
      throws SQLException, IOException {
    // one round trip for the table and the ledger's existence, a second for the ledger's rows
    boolean ledgerHasRows = table.ledgerExists() && Ledger.hasRows(c, table.ledgerKey());
    if (!table.ledgerExists() && !dry) {
      Ledger.ensure(c);
    }
    List<String> fields = ColumnList.resolve(o.columns(), table.columns(), table.name());
    boolean header = HeaderDetection.resolve(c, shape.header(o.header()), o.nullString(),
        stdin == null ? files : stdin.withFirstPiece(files), dialect, charset,
        fields.isEmpty() ? table.columns() : ColumnList.fieldColumns(fields, table.columns()),
        listener::onMessage);
    if (stdin != null && !dry) {
      // with a column list the header is only skipped, not mapped
      stdin.start(target, table, ledgerHasRows && !o.truncate(), o.force(), header,
          fields.isEmpty(), listener::onMessage);
    }
    List<String> fieldsHeader = List.of(); // under a column list, the header every file has
    if (header && !fields.isEmpty()) {
      ColumnList.FirstHeader first = ColumnList.firstHeader(
          stdin == null ? files : stdin.withFirstPiece(files), dialect, charset);
      fieldsHeader = first == null ? List.of() : first.names();
      listener.onMessage(ColumnList.headerMessage(fields, first));
    }
    Map<InputFile, String> hashes = Map.of();
    Map<String, List<Ledger.Range>> loaded = Map.of();
    if (o.truncate()) {
      truncate(c, table); // last, once every check of the options has passed
    } else if (ledgerHasRows) {
      hashes = Hashes.ofAll(files, Importer.defaultWorkers());
      if (o.force() && dry) {
        listener.onMessage("would forget what the ledger holds for these files (forced)");
      } else if (o.force()) {
        Ledger.forget(c, table.ledgerKey(), hashes.values());
        listener.onMessage("forced: forgot what the ledger held for these files; loading them"
            + " again");
      } else {
        loaded = Ledger.loaded(c, table.ledgerKey(), hashes.values());
        LedgerGate.refuseEditedPartialFiles(c, table.ledgerKey(), table.name(), hashes,
            loaded);
      }
    }
    return new Prepared(table.name(), table.columns(), table.ledgerKey(), header, hashes,
        loaded, files, fields, fieldsHeader);
  }

  /** Empties the table and forgets its ledger rows (a dry run counts what it would remove). */
  private void truncate(Connection c, Sql.TableInfo table) throws SQLException {
    String quoted = Sql.qualified(table.name());
    if (dry) {
      rowsTruncated = createStatement != null ? 0 : Truncation.rows(c, quoted);
      listener.onMessage("would truncate " + table.name() + " (" + rowsTruncated + " rows) and"
          + " forget what the ledger holds for it");
      return;
    }
    long forgotten = Truncation.run(c, quoted, table.ledgerKey());
    listener.onMessage("truncated " + table.name() + " and forgot its " + forgotten
        + " ledger entries");
  }

  /**
   * The missing target table, created when the options define it or ask to infer it (in a dry
   * run, created and rolled back at once: its columns are the server's reading of them).
   */
  private Sql.TableInfo create(Connection c) throws SQLException {
    String columns = shape.schema() != null ? shape.schema().columnDefinitions() : o.create();
    if (columns == null) {
      throw new ImportException(ImportException.Kind.TABLE_MISSING, "table " + o.table()
          + " does not exist in " + target.redacted() + " and no column definitions were"
          + " given to create it", null);
    }
    createStatement = Sql.createStatement(o.table(), columns);
    Sql.TableInfo table;
    boolean made; // false: another import created it meanwhile
    try {
      if (dry) {
        c.setAutoCommit(false);
      }
      made = Sql.createTable(c, o.table(), columns);
      table = Sql.tableInfo(c, o.table());
    } catch (SQLException | IllegalArgumentException e) {
      throw new ImportException("cannot create table " + o.table() + " from the column"
          + " definitions (" + columns + "): " + e.getMessage(), e);
    } finally {
      if (dry) {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
    if (table == null) {
      throw new ImportException("no table " + o.table() + " after its definitions: " + columns);
    }
    String created = !made ? "table " + table.name() + " was created meanwhile by another import"
        : shape.schema() != null ? shape.createdMessage(table.name())
        : "created table " + table.name() + " (" + o.create() + ")";
    listener.onMessage(dry ? created.replaceFirst("^created", "would create") : created);
    return table;
  }

  /** Plans the pieces and tasks, and tells what the plan is. */
  private Planner.Plan plan(Prepared p, RunState state) {
    // A big file's scan can overlap its loading only where tasks can wait for the file's hash
    // in this JVM, and only when the hash is not needed first to look the file up.
    boolean stream = !dry && p.hashes().isEmpty() && IN_THIS_JVM.contains(executor);
    Planner.Plan plan;
    try {
      plan = Planner.plan(p.files(), p.hashes(), p.loaded(), new Planner.Settings(dialect,
          charset, p.header(), p.columns(), p.tableName(), workers,
          (long) o.taskSizeMb() << 20, stream ? state.pendingHashes() : null, p.fields()));
    } catch (IOException e) {
      throw new ImportException("cannot read the input: " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new ImportException(e.getMessage(), e);
    }
    if (stdin != null && p.files().isEmpty()) {
      return plan; // standard input alone: its own message said how it is cut
    }
    listener.onMessage(PlanMessage.of(plan));
    return plan;
  }

  /** How a task is made of pieces: binary COPY when the table's types and the files allow it. */
  private Function<List<Piece>, CopyTask> copyTask(Prepared p, RunState state) {
    boolean binary = o.copyFormat() == CopyFormat.BINARY;
    if (binary) {
      String why = !dialect.utf8() ? "the files are not UTF-8"
          : p.columns().stream().filter(col -> p.fields().isEmpty()
                  || p.fields().contains(col.name())) // only the columns loaded
              .filter(col -> !CopyAttempt.binarySupported(col.type()))
              .map(col -> "column " + col.name() + " is " + col.type()).findFirst()
              .orElse(null);
      if (why != null) {
        binary = false;
        listener.onMessage("binary COPY not used (" + why + "): loading CSV text");
      }
    }
    String quoted = Sql.qualified(p.tableName());
    boolean copyBinary = binary;
    return pieces -> new CopyTask(target, quoted, p.tableName(), p.ledgerKey(), p.columns(),
        dialect, pieces, o.maxErrors(), o.calcId(), o.connections(), copyBinary, p.fields(),
        p.fieldsHeader());
  }

  /** The report, or the failure with the report of what was done before it. */
  private ImportReport report(Prepared p, Planner.Plan plan, ImportLoad.Result done,
      Exception unconfirmed) {
    ImportLoad.Totals t = done.totals();
    ImportReport report = new ImportReport(p.tableName(), plan.files() + (stdin != null ? 1 : 0),
        t.pieces, plan.piecesSkipped() + t.piecesSkipped, t.tasks,
        t.read + t.rowsSkipped + plan.rowsSkipped(), t.loaded, t.rejected,
        plan.rowsSkipped() + t.rowsSkipped, t.bytes, plan.bytesSkipped() + t.bytesSkipped,
        System.nanoTime() - t0,
        done.executor(), done.workers(), p.header(), o.calcId(), done.rejectsPath());
    ImportException notDurable = unconfirmed == null ? null : new ImportException(
        ImportException.Kind.COMMITS_UNCONFIRMED, "the rows are committed, but the server at "
        + target.redacted() + " did not confirm that they are durable"
        + Witness.why(unconfirmed)
        + "run the same import again, which loads only what a crash of the server lost",
        unconfirmed).withReport(report);
    if (done.failure() != null) {
      ImportException failure = InferredTypeMismatch.explain(done.failure(), shape.schema(),
          p.tableName()).withReport(report);
      if (notDurable != null) {
        failure.addSuppressed(notDurable); // the rows it counts are not confirmed either
      }
      throw failure;
    }
    if (notDurable != null) {
      throw notDurable;
    }
    if (!report.accountingBalances()) {
      throw new ImportException("row accounting mismatch: read " + report.rowsRead()
          + " but loaded " + report.rowsLoaded() + " + rejected " + report.rowsRejected()
          + " + skipped " + report.rowsSkipped()).withReport(report);
    }
    return report;
  }

  /** Connects; when that fails, an error in the input paths is told first. */
  private Connection connect(CompletableFuture<List<InputFile>> expanding) throws SQLException {
    try {
      return target.connect();
    } catch (SQLException | RuntimeException e) {
      expanded(expanding);
      throw e;
    }
  }

  /** The input files (or their shape), or the error that listing (or sampling) them threw. */
  private static <T> T expanded(CompletableFuture<T> expanding) {
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
}

package io.starmap.importer;

import io.starmap.core.Recorder;
import io.starmap.importer.db.Database;
import io.starmap.importer.internal.FileSet;

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
   * ImportListener)} with {@link PgTarget#of(Database)}.
   *
   * @param db the database to import into; it stays open
   * @param o what to import and how
   * @param listener told of progress and messages; not null
   * @return what the import did
   */
  public static ImportReport run(Database db, ImportOptions o,
      ImportListener listener) {
    return run(PgTarget.of(db), o, listener);
  }

  /**
   * Imports. The options' recorder gets the run's tasks and their operations; one that is also a
   * {@link io.starmap.core.Monitor} (a calculation is) gets the run's own stages too, each an
   * operation outside any task: {@code prepare} (listing, sniffing, the table and the ledger's
   * gate), {@code plan} and {@code confirm} (the wait for the commits' durability), with the
   * main thread's CPU alone (the listing and the sample run on threads of their own).
   *
   * @param target the PostgreSQL to import into
   * @param o what to import and how
   * @param listener told of progress and messages; not null
   * @return what the import did; {@link ImportReport#accountingBalances()} holds
   * @throws BadInputException at the first bad row when no bad rows are allowed
   * @throws ImportException when the import cannot be done or stopped (its {@link
   *     ImportException#report()} tells what was committed before, its {@link
   *     ImportException#kind()} what kind of failure it is)
   */
  public static ImportReport run(PgTarget target, ImportOptions o, ImportListener listener) {
    return new ImportRun(target, o, safe(listener, o.recorder())).run();
  }

  /**
   * What {@link #run(PgTarget, ImportOptions, ImportListener) run} would do with these options,
   * without doing it: the files, pieces and tasks, the dialect, the header decision, the table
   * that would be created and the first rows as they would be loaded. It changes nothing in the
   * database: a missing table is created in a transaction that is rolled back, the ledger is
   * only read, nothing is truncated or loaded. It reads the input: the start of the first file,
   * and every file that the plan cuts into pieces.
   *
   * @param target the PostgreSQL the import would load into
   * @param o what to import and how
   * @param listener told of the messages the import would give; not null
   * @return the plan
   * @throws BadInputException when the input could not be loaded as asked (a header that names
   *     a column the table lacks)
   * @throws ImportException when the import could not start (the table is missing and would not
   *     be created, a name of the column list is not a column)
   */
  public static ImportPlan plan(PgTarget target, ImportOptions o, ImportListener listener) {
    return new ImportRun(target, o, safe(listener, Recorder.none()), System.in, true)
        .dryRun();
  }

  /** The listener, whose failures are ignored, with each message logged to the recorder too. */
  private static ImportListener safe(ImportListener l, Recorder recorder) {
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
          recorder.log(System.Logger.Level.INFO, m);
        } catch (RuntimeException e) {
          // a recorder's failure is its own to report
        }
        try {
          inner.onMessage(m);
        } catch (RuntimeException e) {
          // idem
        }
      }
    };
  }
}

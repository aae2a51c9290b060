package io.starmap.importer;

import java.util.Objects;

/**
 * An import failed. The message says where ({@code file:line: reason} for bad input); {@link
 * #kind()} says what kind of failure it is, for a caller that offers its own remedy (a command
 * line names its options). When the import had started, {@link #report()} tells what was loaded
 * (and committed) before the failure.
 */
public class ImportException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final Kind kind;
  private transient ImportReport report;

  /** What kind of failure an {@link ImportException} is, where a caller can do something. */
  public enum Kind {
    /** Any other failure: the message says what. */
    OTHER,
    /** A record of the input cannot be loaded and no bad rows are allowed. */
    BAD_ROW,
    /** The table does not exist and no column definitions were given to create it. */
    TABLE_MISSING,
    /** A name of {@link ImportOptions#columns()} is not a column of the table. */
    COLUMN_LIST,
    /** More bad rows than {@link ImportOptions#maxErrors()} allows. */
    TOO_MANY_BAD_ROWS,
    /**
     * A file changed after an earlier import loaded part of it: loading the new version would
     * load those rows twice. Put back the loaded version and allow bad rows, or delete the rows
     * and reload with {@link ImportOptions#force()}.
     */
    FILE_CHANGED_AFTER_PARTIAL_LOAD,
    /**
     * A value does not fit the type inferred for its column from a sample of the input ({@link
     * ImportOptions#createInferred()}): the {@link BadInputException} names the column, the
     * inferred type and a type that fits, which a {@link ImportOptions.Builder#columnType
     * column type} gives when the table is created again.
     */
    INFERRED_TYPE_MISMATCH,
    /**
     * The delimiter (or the quote) left to detect cannot be told from a sample of the input:
     * two candidates read it alike, files differ, or no candidate splits its records alike.
     * Give it ({@link ImportOptions.Builder#delimiter}, {@link ImportOptions.Builder#quote}).
     */
    DIALECT_UNKNOWN,
    /**
     * The tasks committed, but the server did not confirm that the commits are durable (it
     * stopped, the connection broke, it did not answer in time, it warned that its wait was
     * cancelled, or the confirmation reached another server session, as behind a pooler in
     * transaction mode): a crash may have lost some.
     * Run the same import again: the ledger loads only what is missing. When the import failed
     * for another reason too, that failure is thrown, and this one is among its {@linkplain
     * Throwable#getSuppressed() suppressed} exceptions.
     */
    COMMITS_UNCONFIRMED
  }

  /**
   * An import failure of kind {@link Kind#OTHER}.
   *
   * @param message what failed, naming the table, file or database involved
   */
  public ImportException(String message) {
    this(Kind.OTHER, message, null);
  }

  /**
   * An import failure of kind {@link Kind#OTHER} with its cause.
   *
   * @param message what failed, naming the table, file or database involved
   * @param cause the exception that stopped the import; may be null
   */
  public ImportException(String message, Throwable cause) {
    this(Kind.OTHER, message, cause);
  }

  /**
   * An import failure of a given kind.
   *
   * @param kind what kind of failure; not null
   * @param message what failed, naming the table, file or database involved
   * @param cause the exception that stopped the import; may be null
   */
  public ImportException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /**
   * What kind of failure this is.
   *
   * @return the kind; {@link Kind#OTHER} unless a caller can act on it
   */
  public Kind kind() {
    return kind;
  }

  /**
   * What had been loaded when the import stopped, or null when it stopped before loading.
   *
   * @return the partial report, or null
   */
  public ImportReport report() {
    return report;
  }

  /**
   * Attaches the partial report (set by {@link Importer}).
   *
   * @param partial what had been loaded; may be null
   * @return this exception
   */
  public ImportException withReport(ImportReport partial) {
    this.report = partial;
    return this;
  }
}

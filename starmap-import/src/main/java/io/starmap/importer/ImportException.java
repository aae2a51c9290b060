package io.starmap.importer;

/**
 * An import failed. The message says where ({@code file:line: reason} for bad input). When the
 * import had started, {@link #report()} tells what was loaded (and committed) before the failure.
 */
public class ImportException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private transient ImportReport report;

  /**
   * An import failure.
   *
   * @param message what failed, naming the table, file or database involved
   */
  public ImportException(String message) {
    super(message);
  }

  /**
   * An import failure with its cause.
   *
   * @param message what failed, naming the table, file or database involved
   * @param cause the exception that stopped the import; may be null
   */
  public ImportException(String message, Throwable cause) {
    super(message, cause);
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

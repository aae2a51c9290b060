package io.starmap.importer;

/**
 * An import failed. The message says where ({@code file:line: reason} for bad input). When the
 * import had started, {@link #report()} tells what was loaded (and committed) before the failure.
 */
public class ImportException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private transient ImportReport report;

  /** An import failure. */
  public ImportException(String message) {
    super(message);
  }

  /** An import failure with its cause. */
  public ImportException(String message, Throwable cause) {
    super(message, cause);
  }

  /** What had been loaded when the import stopped, or null when it stopped before loading. */
  public ImportReport report() {
    return report;
  }

  /** Attaches the partial report (set by {@link Importer}). */
  public ImportException withReport(ImportReport partial) {
    this.report = partial;
    return this;
  }
}

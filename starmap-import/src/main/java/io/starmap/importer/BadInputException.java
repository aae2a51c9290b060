package io.starmap.importer;

/**
 * A record of the input cannot be loaded: the message is {@code file:line: reason}, where line is
 * the physical line (1-based) on which the record starts. Bad input is the user's to fix: callers
 * show the message without a stack trace.
 */
public class BadInputException extends ImportException {
  private static final long serialVersionUID = 1L;
  /** The file as the user named it. */
  private final String file;
  /** The 1-based physical line where the bad record starts, or 0 when not known. */
  private final long line;
  /** What is wrong with the record. */
  private final String reason;
  /** The column whose inferred type the value does not fit, or null. */
  private final String column;
  /** The type inferred for {@link #column}, or null. */
  private final String inferredType;
  /** A type that holds the value and those the column had, or null. */
  private final String fittingType;

  /**
   * A bad record, of kind {@link ImportException.Kind#BAD_ROW}.
   *
   * @param file the file as the user named it
   * @param line the 1-based physical line where the record starts, or 0 when not known
   * @param reason what is wrong
   */
  public BadInputException(String file, long line, String reason) {
    this(Kind.BAD_ROW, file, line, reason);
  }

  /**
   * A bad record that stopped the import as a failure of kind {@code kind} (such as {@link
   * ImportException.Kind#TOO_MANY_BAD_ROWS}).
   *
   * @param kind what kind of failure; not null
   * @param file the file as the user named it
   * @param line the 1-based physical line where the record starts, or 0 when not known
   * @param reason what is wrong
   */
  public BadInputException(Kind kind, String file, long line, String reason) {
    this(kind, file, line, reason, null, null, null);
  }

  /**
   * A value that does not fit the type inferred for its column, of kind {@link
   * ImportException.Kind#INFERRED_TYPE_MISMATCH}.
   *
   * @param file the file as the user named it
   * @param line the 1-based physical line where the record starts, or 0 when not known
   * @param reason what is wrong, and what to do about the table already created
   * @param column the column; not null
   * @param inferredType the type inferred for it; not null
   * @param fittingType a type that holds the value and the column's sampled ones; not null
   */
  public BadInputException(String file, long line, String reason, String column,
      String inferredType, String fittingType) {
    this(Kind.INFERRED_TYPE_MISMATCH, file, line, reason, column, inferredType, fittingType);
  }

  private BadInputException(Kind kind, String file, long line, String reason, String column,
      String inferredType, String fittingType) {
    super(kind, file + (line > 0 ? ":" + line : "") + ": " + reason, null);
    this.file = file;
    this.line = line;
    this.reason = reason;
    this.column = column;
    this.inferredType = inferredType;
    this.fittingType = fittingType;
  }

  /**
   * The file.
   *
   * @return the input file, as it was given or found
   */
  public String file() {
    return file;
  }

  /**
   * The 1-based line where the bad record starts, 0 when not known.
   *
   * @return the line number, 1 or more, or 0
   */
  public long line() {
    return line;
  }

  /**
   * What is wrong.
   *
   * @return a one-line description of the problem
   */
  public String reason() {
    return reason;
  }

  /**
   * The column whose inferred type the value does not fit.
   *
   * @return the column's name, or null unless the kind is {@link
   *     ImportException.Kind#INFERRED_TYPE_MISMATCH}
   */
  public String column() {
    return column;
  }

  /**
   * The type inferred for {@link #column()} from the sample.
   *
   * @return the SQL type, or null unless the kind is {@link
   *     ImportException.Kind#INFERRED_TYPE_MISMATCH}
   */
  public String inferredType() {
    return inferredType;
  }

  /**
   * A type that holds the bad value as well as the values sampled for the column.
   *
   * @return the SQL type, or null unless the kind is {@link
   *     ImportException.Kind#INFERRED_TYPE_MISMATCH}
   */
  public String fittingType() {
    return fittingType;
  }
}

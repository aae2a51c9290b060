package io.starmap.store;

import java.util.Locale;

/** The life of a calculation: created, executing, then complete, failed or aborted. */
public enum CalcStatus {
  /** Recorded, not started yet. */
  CREATED,
  /** Running (or its process died without saying so: see {@link CalculationStore#open}). */
  EXECUTING,
  /** Ended normally. */
  COMPLETE,
  /** Ended with an error, or its process died. */
  FAILED,
  /** Stopped by an interrupt or by {@code starmap calcs abort}. */
  ABORTED;

  /**
   * The name stored in the database and shown to people: lower case.
   *
   * @return the constant's name in lower case, such as {@code executing}
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether the calculation has ended.
   *
   * @return true for {@code complete}, {@code failed} and {@code aborted}
   */
  public boolean isFinal() {
    return this == COMPLETE || this == FAILED || this == ABORTED;
  }

  /**
   * The status named {@code label}, in any case.
   *
   * @param label a status name, such as {@code failed} or {@code FAILED}; surrounding blanks are
   *     ignored
   * @return the status of that name
   * @throws IllegalArgumentException naming the label and the known ones when it is unknown
   */
  public static CalcStatus of(String label) {
    try {
      return valueOf(label.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown status '" + label
          + "': expected created, executing, complete, failed or aborted", e);
    }
  }
}

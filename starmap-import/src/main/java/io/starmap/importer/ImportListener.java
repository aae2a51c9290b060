package io.starmap.importer;

/**
 * Hears how an import goes, on the thread that called {@link Importer#run}. Exceptions thrown
 * here are ignored: progress reporting never breaks an import.
 */
public interface ImportListener {

  /**
   * After each task.
   *
   * @param progress the counts after the task; never null
   */
  void onProgress(ImportProgress progress);

  /**
   * A line worth telling the user or the calculation's log (plan, header decision, rejects).
   *
   * @param message one line, without a line terminator
   */
  default void onMessage(String message) {}

  /**
   * A listener that ignores everything.
   *
   * @return a listener whose methods do nothing
   */
  static ImportListener none() {
    return p -> {};
  }
}

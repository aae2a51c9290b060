package io.starmap.importer;

/**
 * Hears how an import goes, on the thread that called {@link Importer#run}. Exceptions thrown
 * here are ignored: progress reporting never breaks an import.
 */
public interface ImportListener {

  /** After each task. */
  void onProgress(ImportProgress progress);

  /** A line worth telling the user or the calculation's log (plan, header decision, rejects). */
  default void onMessage(String message) {}

  /** A listener that ignores everything. */
  static ImportListener none() {
    return p -> {};
  }
}

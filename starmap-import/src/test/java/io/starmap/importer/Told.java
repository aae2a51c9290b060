package io.starmap.importer;

import java.util.List;

/** A listener that keeps the messages an import tells, for assertions. */
final class Told {
  private Told() {}

  /** A listener that adds each message to {@code messages} and ignores progress. */
  static ImportListener into(List<String> messages) {
    return new ImportListener() {
      @Override
      public void onProgress(ImportProgress p) {}

      @Override
      public void onMessage(String m) {
        messages.add(m);
      }
    };
  }
}

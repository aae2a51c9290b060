package io.starmap.core.internal.process;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Reads a child's output to its end on a daemon thread, so that the child never blocks on a full
 * pipe.
 */
final class Drain {
  private Drain() {}

  static void inBackground(BufferedReader out) {
    Thread drain = new Thread(() -> {
      try {
        while (out.readLine() != null) {
          // discarded
        }
      } catch (IOException ignored) {
        // the child is gone
      }
    });
    drain.setDaemon(true);
    drain.start();
  }
}

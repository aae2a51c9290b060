package io.starmap.core;

/**
 * Receives a {@link Progress} after each outcome, on the master's thread. Implementations should
 * be fast; an exception thrown here is logged and ignored (instrumentation never breaks a run).
 */
@FunctionalInterface
public interface ProgressListener {
  /** Called after each outcome. */
  void onProgress(Progress progress);

  /** A listener that does nothing. */
  static ProgressListener none() {
    return p -> {};
  }
}

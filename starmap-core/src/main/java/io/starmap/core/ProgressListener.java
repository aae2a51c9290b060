package io.starmap.core;

/**
 * Receives a {@link Progress} after each outcome, on the master's thread. Implementations should
 * be fast; an exception thrown here is logged and ignored (instrumentation never breaks a run).
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Called after each outcome.
   *
   * @param progress the counts after the latest outcome; never null
   */
  void onProgress(Progress progress);

  /**
   * A listener that does nothing.
   *
   * @return a listener whose {@code onProgress} does nothing
   */
  static ProgressListener none() {
    return p -> {};
  }

  /**
   * A listener that passes on only the progress that raises the whole percentage (or, without a
   * known total, every 100th outcome), and the last one: what a log can bear.
   *
   * @param listener receives the selected progress
   * @return a listener that forwards a subset of the progress to {@code listener}
   */
  static ProgressListener everyPercent(ProgressListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    return new ProgressListener() {
      private long lastPercent = -1;

      @Override
      public void onProgress(Progress p) {
        boolean last = p.inFlight() == 0 && (p.total() < 0 || p.done() >= p.total());
        long step = p.total() >= 0 ? (long) p.percent() : p.done() / 100;
        if (step > lastPercent || last) {
          lastPercent = step;
          listener.onProgress(p);
        }
      }
    };
  }
}

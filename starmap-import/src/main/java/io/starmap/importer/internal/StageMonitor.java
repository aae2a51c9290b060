package io.starmap.importer.internal;

import io.starmap.core.Monitor;
import io.starmap.core.Recorder;

/**
 * The monitor of an import's own stages (prepare, plan, confirm): the run's recorder when it is
 * also a {@link Monitor} (a calculation is), else none. A failure of the recorder's is ignored,
 * as the import's other calls to it are: instrumentation never breaks the run.
 */
public final class StageMonitor implements Monitor {
  private final Monitor inner;

  private StageMonitor(Monitor inner) {
    this.inner = inner;
  }

  /**
   * The monitor of the stages of a run recorded by {@code recorder}.
   *
   * @param recorder the run's recorder
   * @return {@code recorder}, guarded, when it is a monitor; else one that records nothing
   */
  public static StageMonitor of(Recorder recorder) {
    return new StageMonitor(recorder instanceof Monitor m ? m : Monitor.none());
  }

  @Override
  public Measurement measure(String operation) {
    Measurement m;
    try {
      m = inner.measure(operation);
    } catch (RuntimeException e) {
      return Monitor.none().measure(operation);
    }
    return new Guarded(m);
  }

  @Override
  public void count(String operation, long count) {
    try {
      inner.count(operation, count);
    } catch (RuntimeException e) {
      // the recorder's failure is its own to report
    }
  }

  /** A measurement of the recorder's whose failures are ignored. */
  private record Guarded(Measurement inner) implements Measurement {
    @Override
    public Measurement count(long n) {
      try {
        inner.count(n);
      } catch (RuntimeException e) {
        // idem
      }
      return this;
    }

    @Override
    public void close() {
      try {
        inner.close();
      } catch (RuntimeException e) {
        // idem
      }
    }
  }
}

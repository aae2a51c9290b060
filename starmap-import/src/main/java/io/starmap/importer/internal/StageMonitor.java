package io.starmap.importer.internal;

import io.starmap.core.Monitor;
import io.starmap.core.Recorder;

/**
 * The monitor of an import's own stages (prepare, plan, confirm): the run's recorder when it is
 * also a {@link Monitor} (a calculation is), else none. As {@link Recorder}'s contract says,
 * a failure of the recorder's is logged and ignored: instrumentation never breaks the run. After
 * one, the recorder is not asked again for the rest of the run, as the run's engine does with a
 * recorder that fails on a task.
 */
public final class StageMonitor implements Monitor {
  private static final System.Logger LOG = System.getLogger("io.starmap");

  private final Monitor inner;
  private volatile boolean broken;

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
    if (!broken) {
      try {
        return new Guarded(inner.measure(operation), operation);
      } catch (RuntimeException e) {
        failed(operation, e);
      }
    }
    return Monitor.none().measure(operation);
  }

  @Override
  public void count(String operation, long count) {
    if (!broken) {
      try {
        inner.count(operation, count);
      } catch (RuntimeException e) {
        failed(operation, e);
      }
    }
  }

  private void failed(String operation, RuntimeException e) {
    broken = true;
    LOG.log(System.Logger.Level.WARNING, "the recorder failed to measure the import's stage '"
        + operation + "' and is ignored for the rest of the import", e);
  }

  /** A measurement of the recorder's whose failure is logged and ignored. */
  private final class Guarded implements Measurement {
    private final Measurement measurement;
    private final String operation;

    Guarded(Measurement measurement, String operation) {
      this.measurement = measurement;
      this.operation = operation;
    }

    @Override
    public Measurement count(long n) {
      if (!broken) {
        try {
          measurement.count(n);
        } catch (RuntimeException e) {
          failed(operation, e);
        }
      }
      return this;
    }

    @Override
    public void close() {
      if (!broken) {
        try {
          measurement.close();
        } catch (RuntimeException e) {
          failed(operation, e);
        }
      }
    }
  }
}

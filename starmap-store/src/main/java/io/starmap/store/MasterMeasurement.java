package io.starmap.store;

import io.starmap.core.Monitor;
import io.starmap.core.internal.util.ThreadMeter;

/**
 * One operation of the master (reading inputs, reducing, saving) measured on the thread that
 * opened it: wall time, that thread's CPU time and allocated bytes, and a user count. Closing it
 * adds one call to the calculation's performance rows.
 */
final class MasterMeasurement implements Monitor.Measurement {
  private final Calculation calc;
  private final String operation;
  private final long wall0;
  private final long cpu0;
  private final long alloc0;
  private long count;
  private boolean closed;

  MasterMeasurement(Calculation calc, String operation) {
    this.calc = calc;
    this.operation = operation;
    this.cpu0 = ThreadMeter.cpuNanos();
    this.alloc0 = ThreadMeter.allocatedBytes();
    this.wall0 = System.nanoTime();
  }

  @Override
  public Monitor.Measurement count(long n) {
    count += n;
    return this;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    long wall = System.nanoTime() - wall0;
    calc.masterOperation(operation, 1, wall, Math.max(0, ThreadMeter.cpuNanos() - cpu0),
        Math.max(0, ThreadMeter.allocatedBytes() - alloc0), count);
  }
}

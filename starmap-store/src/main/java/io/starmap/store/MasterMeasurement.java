package io.starmap.store;

import io.starmap.core.Monitor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * One operation of the master (reading inputs, reducing, saving) measured on the thread that
 * opened it: wall time, that thread's CPU time and allocated bytes, and a user count. Closing it
 * adds one call to the calculation's performance rows.
 */
final class MasterMeasurement implements Monitor.Measurement {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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
    this.cpu0 = cpuNanos();
    this.alloc0 = allocatedBytes();
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
    calc.masterOperation(operation, 1, wall, Math.max(0, cpuNanos() - cpu0),
        Math.max(0, allocatedBytes() - alloc0), count);
  }

  // Instrumentation never breaks the main path: a JVM without these clocks records zeros.
  private static long cpuNanos() {
    try {
      long t = THREADS.getCurrentThreadCpuTime();
      return Math.max(t, 0);
    } catch (UnsupportedOperationException e) {
      return 0;
    }
  }

  private static long allocatedBytes() {
    try {
      return THREADS instanceof com.sun.management.ThreadMXBean sun
          ? Math.max(sun.getCurrentThreadAllocatedBytes(), 0) : 0;
    } catch (UnsupportedOperationException e) {
      return 0;
    }
  }
}

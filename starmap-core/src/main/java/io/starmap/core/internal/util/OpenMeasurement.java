package io.starmap.core.internal.util;

import io.starmap.core.Monitor;

/**
 * A measurement opened on the current thread: wall time, the thread's CPU time and allocated bytes
 * from its opening to its first {@link #close}, and a user count. Tasks' operations and the
 * master's share it; each says what an ended measurement becomes.
 */
public abstract class OpenMeasurement implements Monitor.Measurement {
  private final boolean exactCpu;
  private final long cpu0;
  private final long alloc0;
  private final long wall0;
  private long count;
  private boolean closed;

  /**
   * Starts measuring now.
   *
   * @param exactCpu read the thread's CPU clock (else {@link #estimateCpu} gives the CPU time)
   */
  protected OpenMeasurement(boolean exactCpu) {
    this.exactCpu = exactCpu;
    this.cpu0 = exactCpu ? ThreadMeter.cpuNanos() : 0;
    this.alloc0 = ThreadMeter.allocatedBytes();
    this.wall0 = System.nanoTime();
  }

  @Override
  public final Monitor.Measurement count(long n) {
    count += n;
    return this;
  }

  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    long wall = System.nanoTime() - wall0;
    long cpu = exactCpu ? Math.max(0, ThreadMeter.cpuNanos() - cpu0) : estimateCpu(wall);
    ended(wall, cpu, Math.max(0, ThreadMeter.allocatedBytes() - alloc0), count);
  }

  /**
   * The CPU time of a measurement that did not read the clock.
   *
   * @param wall its wall time, in nanoseconds
   * @return the estimate, in nanoseconds; 0 unless overridden
   */
  protected long estimateCpu(long wall) {
    return 0;
  }

  /**
   * Records the ended measurement, once.
   *
   * @param wall wall time, in nanoseconds
   * @param cpu the thread's CPU time, in nanoseconds
   * @param allocated bytes the thread allocated
   * @param count what the user counted
   */
  protected abstract void ended(long wall, long cpu, long allocated, long count);
}

package io.starmap.core.internal.util;

import java.lang.management.ManagementFactory;

/**
 * CPU time and allocated bytes of the current thread, or 0 where the JVM cannot tell (virtual
 * threads on some JDKs, JVMs without the HotSpot extension). Never throws: instrumentation never
 * breaks the main path.
 */
public final class ThreadMeter {
  private static final java.lang.management.ThreadMXBean THREADS =
      ManagementFactory.getThreadMXBean();
  private static final com.sun.management.ThreadMXBean HOTSPOT =
      THREADS instanceof com.sun.management.ThreadMXBean h ? h : null;
  private static final boolean CPU =
      THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

  private ThreadMeter() {}

  /** CPU nanoseconds of the current thread, or 0. */
  public static long cpuNanos() {
    if (!CPU) {
      return 0;
    }
    try {
      long value = THREADS.getCurrentThreadCpuTime();
      return Math.max(value, 0);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Bytes allocated so far by the current thread, or 0. */
  public static long allocatedBytes() {
    if (HOTSPOT == null) {
      return 0;
    }
    try {
      return Math.max(HOTSPOT.getCurrentThreadAllocatedBytes(), 0);
    } catch (RuntimeException e) {
      return 0;
    }
  }
}

package io.starmap.core.internal;

/**
 * Decides, per thread, whether a task's CPU time is read from the thread's CPU clock or estimated.
 *
 * <p>Reading the thread CPU clock is a system call that costs 0.3 to 0.5 us on the machines we
 * measured, about as much as everything else the starmap does for a task; a task needs two reads
 * and each measured operation two more. So on a thread that runs short tasks (a recent mean wall
 * time under {@link #SHORT_TASK_NANOS}), only one task in {@link #SAMPLE_EVERY} reads the clock;
 * the others record their wall time times the CPU/wall ratio of the sampled ones. Tasks that run
 * longer than that (the ones whose CPU time anybody looks at) are always measured exactly.
 *
 * <p>One instance per thread, used only by that thread.
 */
public final class CpuSampler {
  /** Below this mean wall time per task, CPU time is sampled rather than read for every task. */
  public static final long SHORT_TASK_NANOS = 50_000;
  /** One short task in this many reads the CPU clock. */
  public static final int SAMPLE_EVERY = 16;

  private static final ThreadLocal<CpuSampler> CURRENT = ThreadLocal.withInitial(CpuSampler::new);

  private long meanWall = Long.MAX_VALUE; // unknown: measure
  private double ratio = 1.0;
  private int tasks;

  private CpuSampler() {}

  /** The sampler of the current thread. */
  public static CpuSampler current() {
    return CURRENT.get();
  }

  /** True when the next task on this thread should read the CPU clock. */
  public boolean exactNext() {
    return meanWall >= SHORT_TASK_NANOS || (tasks++ % SAMPLE_EVERY) == 0;
  }

  /** The CPU time to record for a task or an operation of {@code wall} nanoseconds, estimated. */
  public long estimate(long wall) {
    return (long) (wall * ratio);
  }

  /** Learns from a finished task; {@code cpu} is meaningful only when {@code exact}. */
  public void update(long wall, long cpu, boolean exact) {
    meanWall = meanWall == Long.MAX_VALUE ? wall : (meanWall * 7 + wall) / 8;
    if (exact && wall > 0 && cpu > 0) {
      ratio = 0.75 * ratio + 0.25 * Math.min(1.0, (double) cpu / wall);
    }
  }
}

package io.starmap.core;

import java.util.Locale;

/**
 * Limits on memory use, checked by the master after every outcome and by worker processes after
 * every task. Above the soft limit a run logs one warning; above the hard limit it stops with a
 * {@link MemoryLimitExceededException} before the JVM dies of {@link OutOfMemoryError} or the
 * operating system kills it.
 *
 * @param softFraction the warning threshold, as a fraction of the maximum heap, in (0, 1]
 * @param hardFraction the stopping threshold, as a fraction of the maximum heap, in (0, 1]
 */
public record MemoryGuard(double softFraction, double hardFraction) {

  /** Validates the fractions. */
  public MemoryGuard {
    check("softFraction", softFraction);
    check("hardFraction", hardFraction);
    if (softFraction > hardFraction) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "softFraction %.2f must not exceed hardFraction %.2f", softFraction, hardFraction));
    }
  }

  private static void check(String name, double value) {
    if (!(value > 0 && value <= 1)) {
      throw new IllegalArgumentException(
          name + " must be in (0, 1], got " + value);
    }
  }

  /**
   * The default: warn at 90% of the heap, stop at 99%.
   *
   * @return a guard with a soft fraction of 0.90 and a hard fraction of 0.99
   */
  public static MemoryGuard defaults() {
    return new MemoryGuard(0.90, 0.99);
  }

  /**
   * Never warns, never stops (1.0 of the heap is never exceeded by a live JVM).
   *
   * @return a guard with both fractions at 1.0
   */
  public static MemoryGuard disabled() {
    return new MemoryGuard(1.0, 1.0);
  }
}

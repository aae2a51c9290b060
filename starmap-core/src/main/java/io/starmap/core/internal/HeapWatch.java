package io.starmap.core.internal;

import io.starmap.core.MemoryGuard;
import io.starmap.core.MemoryLimitExceededException;
import io.starmap.core.internal.util.Bytes;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The master's heap during one run, against its {@link MemoryGuard}: a warning once above the soft
 * limit, a stop above the hard one, and the peak for the run's summary.
 */
final class HeapWatch {
  private final String runName;
  private final MemoryGuard guard;
  private long peak;
  private long lastCheck;
  private long lastGc;
  private boolean softWarned;

  HeapWatch(String runName, MemoryGuard guard) {
    this.runName = runName;
    this.guard = guard;
  }

  /** The most heap seen in use, in bytes. */
  long peak() {
    return peak;
  }

  /**
   * Looks at the heap after task {@code taskNo}, at most once a millisecond.
   *
   * @param warn receives the soft limit's warning, once
   * @return the failure that stops the run above the hard limit; else null
   */
  MemoryLimitExceededException check(long taskNo, long now, Consumer<String> warn) {
    // Reading the heap costs about 0.1 us: once a millisecond is enough to see a trend long
    // before the heap is full, and keeps the master cheap for streams of tiny tasks.
    if (now - lastCheck < 1_000_000L && lastCheck != 0) {
      return null;
    }
    lastCheck = now;
    Runtime rt = Runtime.getRuntime();
    long max = rt.maxMemory();
    long used = rt.totalMemory() - rt.freeMemory();
    peak = Math.max(peak, used);
    boolean overSoft = !softWarned && used > guard.softFraction() * max;
    boolean overHard = used > guard.hardFraction() * max;
    if (!overSoft && !overHard) {
      return null;
    }
    // Heap use counts garbage too: only what survives a collection is a real shortage. Above the
    // hard limit the collection is always asked for (the alternative is to stop the run); above
    // the soft limit at most once a second.
    if (overHard || now - lastGc > 1_000_000_000L) {
      lastGc = now;
      System.gc();
      used = rt.totalMemory() - rt.freeMemory();
    } else {
      return null; // over the soft limit only, and collected less than a second ago: warn later
    }
    // The warning comes first, so that a run stopped at the hard limit was warned about.
    if (!softWarned && used > guard.softFraction() * max) {
      softWarned = true;
      warn.accept(String.format(Locale.ROOT,
          "%s: the heap holds %s of %s (%.0f%%), above the soft limit of %.0f%%", runName,
          Bytes.human(used), Bytes.human(max), 100.0 * used / max, 100 * guard.softFraction()));
    }
    if (used <= guard.hardFraction() * max) {
      return null;
    }
    return new MemoryLimitExceededException(String.format(Locale.ROOT,
        "memory guard stopped %s after task #%d: the heap holds %s of %s (%.0f%%), above the"
            + " hard limit of %.0f%%; raise -Xmx, lower the workers or reduce what each task"
            + " returns", runName, taskNo, Bytes.human(used), Bytes.human(max),
        100.0 * used / max, 100 * guard.hardFraction()));
  }
}

package io.starmap.core;

/**
 * A snapshot of a run's progress, given to a {@link ProgressListener} after each outcome.
 *
 * @param taskName the task's name
 * @param submitted tasks submitted so far
 * @param done tasks finished (succeeded or failed)
 * @param failed tasks failed
 * @param inFlight tasks submitted and not yet finished
 * @param total the number of tasks when the argument source knows it, else -1
 * @param elapsedNanos time since the run started
 */
public record Progress(
    String taskName, long submitted, long done, long failed, long inFlight, long total,
    long elapsedNanos) {

  /** Done over total when the total is known, else done over submitted; 0 to 100. */
  public double percent() {
    long denominator = total >= 0 ? total : submitted;
    return denominator == 0 ? 100.0 : 100.0 * done / denominator;
  }

  /** Estimated nanoseconds to the end from the mean rate so far, or -1 when unknown. */
  public long etaNanos() {
    long denominator = total >= 0 ? total : submitted;
    if (done == 0 || denominator <= done) {
      return denominator <= done ? 0 : -1;
    }
    return (long) ((double) elapsedNanos / done * (denominator - done));
  }
}

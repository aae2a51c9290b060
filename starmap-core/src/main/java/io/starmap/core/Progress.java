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

  /**
   * Done over total when the total is known, else done over submitted; 0 to 100.
   *
   * @return the percentage done, from 0 to 100; 100 when there is nothing to do
   */
  public double percent() {
    long denominator = total >= 0 ? total : submitted;
    return denominator == 0 ? 100.0 : 100.0 * done / denominator;
  }

  /**
   * Estimated nanoseconds to the end from the mean rate so far, or -1 when unknown.
   *
   * @return the estimated remaining time in nanoseconds; -1 before the first outcome, 0 once
   *     everything known is done
   */
  public long etaNanos() {
    long denominator = total >= 0 ? total : submitted;
    if (done == 0 || denominator <= done) {
      return denominator <= done ? 0 : -1;
    }
    return (long) ((double) elapsedNanos / done * (denominator - done));
  }

  /**
   * One line for a log or a terminal, as OpenQuake logs it: {@code count 37% [37 of 100 done, 1
   * failed, 4 in flight] ETA 12 s}; without a known total, {@code count 37 done [...]}.
   *
   * @return a single line without a line terminator
   */
  public String line() {
    StringBuilder sb = new StringBuilder(taskName).append(' ');
    if (total >= 0) {
      sb.append((int) percent()).append("% [").append(done).append(" of ").append(total)
          .append(" done");
    } else {
      sb.append(done).append(" done [").append(submitted).append(" submitted");
    }
    if (failed > 0) {
      sb.append(", ").append(failed).append(" failed");
    }
    sb.append(", ").append(inFlight).append(" in flight]");
    long eta = etaNanos();
    if (eta > 0) {
      sb.append(" ETA ").append(duration(eta));
    }
    return sb.toString();
  }

  private static String duration(long nanos) {
    long s = Math.round(nanos / 1e9);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + String.format(java.util.Locale.ROOT, "%02d", s % 60) + "s";
    }
    return (s / 3600) + "h" + String.format(java.util.Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
  }
}

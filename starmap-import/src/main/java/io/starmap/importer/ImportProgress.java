package io.starmap.importer;

/**
 * A snapshot of a running import, given to an {@link ImportListener} after each task.
 *
 * @param tasksDone tasks finished
 * @param tasksTotal tasks planned (with standard input among the inputs: given out so far)
 * @param bytesDone input bytes of finished tasks
 * @param bytesTotal input bytes planned for this run, or -1 when unknown (standard input is
 *     among the inputs: its size is known only at its end)
 * @param rowsLoaded rows committed so far
 * @param rowsRejected bad rows so far
 * @param elapsedNanos time since the import started
 */
public record ImportProgress(
    long tasksDone, long tasksTotal, long bytesDone, long bytesTotal, long rowsLoaded,
    long rowsRejected, long elapsedNanos) {

  /**
   * Fraction of the bytes done, 0 to 1.
   *
   * @return the fraction of the planned input bytes done, 1 when nothing is planned, 0 when the
   *     total is unknown
   */
  public double fraction() {
    if (bytesTotal < 0) {
      return 0.0;
    }
    return bytesTotal == 0 ? 1.0 : Math.min(1.0, (double) bytesDone / bytesTotal);
  }

  /**
   * Estimated nanoseconds left from the byte rate so far, or -1 when unknown.
   *
   * @return the estimated remaining time in nanoseconds, or -1 before the first bytes are done
   *     or when the total is unknown
   */
  public long etaNanos() {
    if (bytesDone <= 0 || bytesTotal < 0) {
      return -1;
    }
    return (long) ((double) elapsedNanos / bytesDone * Math.max(0, bytesTotal - bytesDone));
  }
}

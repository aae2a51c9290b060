package io.starmap.store;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One row of the {@code calc} table: a calculation as the database knows it.
 *
 * @param id the calculation's id
 * @param kind what ran ({@code import}, {@code bench}, ...)
 * @param description what it was about, secrets removed
 * @param status its status
 * @param user who ran it
 * @param host where its master ran
 * @param pid the master's process id
 * @param executor the executor's name, or empty
 * @param workers the number of workers, 0 if unknown
 * @param parameters its parameters as {@code key=value} lines, secrets removed
 * @param start when it started
 * @param stop when it ended, or null while it runs
 * @param datastore the path of its HDF5 datastore
 * @param sizeBytes the size of the datastore, 0 before it is written
 * @param peakMemoryBytes the largest memory use seen (master heap or worker resident memory)
 * @param error the stack trace of the failure, or null
 */
public record CalcRecord(
    long id, String kind, String description, CalcStatus status, String user, String host,
    long pid, String executor, int workers, String parameters, Instant start, Instant stop,
    Path datastore, long sizeBytes, long peakMemoryBytes, String error) {

  /**
   * How long it ran, or has run so far.
   *
   * @return the time from start to stop, or to now while the calculation runs
   */
  public Duration duration() {
    return Duration.between(start, stop == null ? Instant.now() : stop);
  }
}

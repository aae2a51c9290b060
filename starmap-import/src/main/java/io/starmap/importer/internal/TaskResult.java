package io.starmap.importer.internal;

import java.io.Serializable;
import java.util.List;

/**
 * What one COPY task did, as it committed.
 *
 * @param pieces pieces loaded
 * @param bytes input bytes read
 * @param rowsRead records counted by the client scan
 * @param rowsLoaded rows the server reported loaded
 * @param rejects bad rows skipped
 * @param piecesSkipped pieces dropped because their content was loaded already
 * @param rowsSkipped records of the dropped pieces
 */
public record TaskResult(int pieces, long bytes, long rowsRead, long rowsLoaded,
    List<Reject> rejects, int piecesSkipped, long rowsSkipped) implements Serializable {

  /** A task of a stopping run that did not start: it loaded, read and skipped nothing. */
  public static final TaskResult NOT_STARTED = new TaskResult(0, 0, 0, 0, List.of(), 0, 0);

  /** False for {@link #NOT_STARTED}: every task that ran had at least one piece. */
  public boolean started() {
    return pieces > 0 || piecesSkipped > 0;
  }

  /**
   * A rejected row.
   *
   * @param file the file
   * @param line the physical line where the record starts
   * @param reason the server's reason
   * @param record the original bytes of the record
   */
  public record Reject(String file, long line, String reason, byte[] record)
      implements Serializable {}
}

package io.starmap.importer;

import java.nio.file.Path;

/**
 * What an import did. Rows are counted twice, independently: {@code rowsRead} by the client's
 * quote-aware record scan, the others by the server (loaded) and the bad-row handling; the
 * importer checks that {@code rowsRead == rowsLoaded + rowsRejected + rowsSkipped}.
 *
 * @param table the target table, schema-qualified
 * @param files input files
 * @param pieces pieces (whole files or byte ranges) loaded in this run
 * @param piecesSkipped pieces skipped because the ledger says they were loaded before
 * @param tasks tasks run (a task loads one or more pieces in one transaction)
 * @param rowsRead records read by this run, plus those of skipped pieces
 * @param rowsLoaded rows committed by this run
 * @param rowsRejected bad rows written to the rejects file
 * @param rowsSkipped rows of pieces already loaded by an earlier run
 * @param bytes input bytes loaded by this run (compressed size for .gz)
 * @param bytesSkipped input bytes of skipped pieces
 * @param wallNanos wall time of the whole import, planning included
 * @param executor the executor the tasks ran on
 * @param workers how many workers
 * @param headerUsed whether the files were read as having a header
 * @param calcId the calculation id given in the options, or -1
 * @param rejectsPath the rejects file, or null when nothing was rejected
 */
public record ImportReport(
    String table, int files, int pieces, int piecesSkipped, int tasks, long rowsRead,
    long rowsLoaded, long rowsRejected, long rowsSkipped, long bytes, long bytesSkipped,
    long wallNanos, String executor, int workers, boolean headerUsed, long calcId,
    Path rejectsPath) {

  /**
   * Rows loaded per second of wall time.
   *
   * @return rows loaded per second; 0 when no time was measured
   */
  public double rowsPerSecond() {
    return wallNanos <= 0 ? 0 : rowsLoaded * 1e9 / wallNanos;
  }

  /**
   * Input megabytes (10^6) loaded per second of wall time.
   *
   * @return megabytes loaded per second; 0 when no time was measured
   */
  public double megabytesPerSecond() {
    return wallNanos <= 0 ? 0 : bytes * 1e3 / wallNanos;
  }

  /**
   * True when read = loaded + rejected + skipped.
   *
   * @return true when every row read is accounted for
   */
  public boolean accountingBalances() {
    return rowsRead == rowsLoaded + rowsRejected + rowsSkipped;
  }
}

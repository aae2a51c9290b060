package io.starmap.cli.bench;

/**
 * What the importer aims at: its best time over the best psql streams' time of the same shape.
 * Binary COPY needs about 0.6 of the server's CPU of CSV (the server skips parsing and input
 * functions), so on the 522 files only the client's own CPU, on cores it shares with the server,
 * keeps the importer above that: at most 0.85, and 0.8 on ten times as many rows, where its
 * start-up no longer counts. One big file and many tiny files, which cost the client more per
 * byte (one reader; a file opened, hashed and recorded per 2 KB), at most as long as psql.
 */
final class ImportTarget {
  /** The rows of the talk's data set (522 business days of 10,000 securities). */
  static final long TALK_ROWS = 5_220_000;

  private ImportTarget() {}

  /** The target ratio of the importer on {@code shape} with {@code rows} rows. */
  static double of(ImportBench.Shape shape, long rows) {
    if (shape != ImportBench.Shape.DEFAULT) {
      return 1.0;
    }
    return rows >= 10 * TALK_ROWS ? 0.8 : 0.85;
  }
}

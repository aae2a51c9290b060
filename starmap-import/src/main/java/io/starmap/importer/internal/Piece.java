package io.starmap.importer.internal;

import java.io.Serializable;
import java.util.List;

/**
 * A part of one input file that one task loads: the whole file or a byte range that starts and ends
 * on record boundaries.
 *
 * @param file the file's name for messages and the ledger (as the user named it)
 * @param path the absolute path to read
 * @param fileSize the file's size in bytes
 * @param hash the SHA-256 of the file's content, or null when the task computes it (whole files)
 * @param start the first byte (a record boundary, or 0)
 * @param end the byte after the last one (the file size for the last piece)
 * @param firstLine the physical line number of the byte at {@code start}
 * @param compression how the file is compressed (when it is, the piece is the whole file)
 * @param skipHeader whether the piece starts with the file's header, to be skipped
 * @param columns the columns to load in order, or null for the table's (or the header's)
 */
public record Piece(
    String file, String path, long fileSize, String hash, long start, long end, long firstLine,
    Compression compression, boolean skipHeader, List<String> columns) implements Serializable {

  /** Whether the file is compressed (then the piece is the whole file, read by one task). */
  public boolean compressed() {
    return compression.compressed();
  }

  /** Bytes of the file this piece covers. */
  public long length() {
    return end - start;
  }

  /** True when this piece is the whole file. */
  public boolean whole() {
    return start == 0 && end == fileSize;
  }

  @Override
  public String toString() {
    return whole() ? file : file + "[" + start + ".." + end + ")";
  }
}

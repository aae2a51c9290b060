package io.starmap.importer.internal;

import java.io.IOException;
import java.io.OutputStream;
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
   * A rejected row, by where it is rather than by its bytes: a bad line may be any length, and
   * a task may reject many, so the bytes are copied from the input straight to the rejects file
   * (see {@link #writeRecordTo}) instead of travelling in memory.
   *
   * @param file the file
   * @param line the physical line where the record starts
   * @param reason the server's reason
   * @param piece the piece that holds the record
   * @param from the record's first byte in the piece's stream
   * @param to the byte after the record (its newline included)
   */
  public record Reject(String file, long line, String reason, Piece piece, long from, long to)
      implements Serializable {

    /**
     * Writes the record's original bytes as one quoted CSV field, without its line end, copying
     * them from the input through a small buffer whatever the record's length.
     *
     * @throws IOException when the input cannot be read (a message names the file and line) or
     *     {@code out} cannot be written
     */
    public void writeRecordTo(OutputStream out) throws IOException {
      long length = to - from;
      byte[] b = new byte[1 << 16];
      byte[] tail = new byte[2]; // the last two bytes, held back: they may be the line end
      int tailLen = 0;
      long done = 0;
      out.write('"');
      try (PieceReader r = PieceReader.open(piece, from, to, null)) {
        int n;
        while (done < length && (n = r.read(b, 0, (int) Math.min(b.length, length - done))) > 0) {
          for (int i = 0; i < n; i++) {
            if (done + i >= length - 2) {
              tail[tailLen++] = b[i];
            } else {
              writeQuoted(out, b[i]);
            }
          }
          done += n;
        }
      } catch (IOException e) {
        throw new IOException("cannot copy the rejected record of " + file + ":" + line
            + " from " + piece.path() + ": " + e.getMessage(), e);
      }
      if (done != length) {
        throw new IOException("cannot copy the rejected record of " + file + ":" + line + ": "
            + piece.path() + " ended after " + done + " of its " + length + " bytes (was it"
            + " changed during the import?)");
      }
      if (tailLen > 0 && tail[tailLen - 1] == '\n') {
        tailLen--;
      }
      if (tailLen > 0 && tail[tailLen - 1] == '\r') {
        tailLen--;
      }
      for (int i = 0; i < tailLen; i++) {
        writeQuoted(out, tail[i]);
      }
      out.write('"');
    }

    private static void writeQuoted(OutputStream out, byte c) throws IOException {
      if (c == '"') {
        out.write('"');
      }
      out.write(c);
    }
  }
}

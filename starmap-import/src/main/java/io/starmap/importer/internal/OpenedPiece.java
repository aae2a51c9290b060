package io.starmap.importer.internal;

import io.starmap.core.Monitor;
import io.starmap.importer.BadInputException;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.List;

/**
 * An open piece of a task being loaded: its reader, its first bytes in the load's buffer (in
 * {@code buf[off, len)}, after any BOM and header), where its data starts in the file, the
 * columns it loads and its line ends.
 */
final class OpenedPiece {
  private final TaskLoad t;
  private final byte[] buf;
  final Piece piece;
  final PieceReader reader;
  final MessageDigest digest;
  int off;
  int len;
  long dataStart;
  long dataLine;
  List<String> columns;
  Boolean crlf;

  OpenedPiece(TaskLoad t, Piece piece) throws IOException {
    this(t, piece, 0, null);
  }

  /**
   * Opens {@code piece} and reads its first bytes into {@code buf} from {@code base} on,
   * measured as {@code read} by itself, or as part of {@code gathering} when given. A piece
   * gathered (small, read whole) fills what the buffer has room for; any other is read in parts
   * of {@link TaskLoad#READ} bytes, its first one too, read on into the rest of the buffer when
   * that part does not hold the header's end or a line end after it.
   */
  OpenedPiece(TaskLoad t, Piece piece, int base, Monitor.Measurement gathering)
      throws IOException {
    this.t = t;
    this.buf = t.buf;
    this.piece = piece;
    if (piece.hash() == null) {
      t.sharedDigest.reset();
      this.digest = t.sharedDigest;
    } else {
      this.digest = null;
    }
    long from = piece.start();
    // opening is part of reading: for tiny files it is most of it
    Monitor.Measurement m = gathering != null ? gathering : t.monitor.measure("read");
    this.reader = PieceReader.open(piece, from, piece.compressed() ? Long.MAX_VALUE : piece.end(),
        digest);
    try {
      int room = buf.length - base;
      len = base + reader.fill(buf, base,
          gathering != null ? room : Math.min(room, TaskLoad.READ));
      off = base;
      dataLine = piece.firstLine();
      columns = piece.columns();
      if (from == 0) {
        skipPreamble(base);
      }
      dataStart = from + off - base;
      if (!t.task.fields().isEmpty()) {
        columns = t.task.fields(); // the column list wins over any header
      } else if (columns == null) {
        columns = t.tableColumnNames;
      }
      crlf = lineEnd(buf, off, len);
      if (crlf == null && readOn() > 0) {
        // text COPY ends a last record that has no line end with the piece's own: it must be known
        crlf = lineEnd(buf, off, len);
      }
    } catch (IOException | RuntimeException e) {
      reader.close();
      throw e;
    } finally {
      m.count(Math.max(0, len - base));
      if (m != gathering) {
        m.close();
      }
    }
  }

  /** Reads on into the rest of the buffer, after the first part; returns the bytes read. */
  private int readOn() throws IOException {
    if (len >= buf.length || reader.atLimit()) {
      return 0;
    }
    int n = reader.fill(buf, len, buf.length - len);
    len += n;
    return n;
  }

  /** Skips a UTF-8 BOM and, when the piece starts with one to skip, the header. */
  private void skipPreamble(int base) throws IOException {
    if (t.dialect.utf8() && len - base >= 3 && (buf[base] & 0xff) == 0xEF
        && (buf[base + 1] & 0xff) == 0xBB && (buf[base + 2] & 0xff) == 0xBF) {
      off = base + 3;
    }
    if (piece.skipHeader()) {
      RecordScanner hs = new RecordScanner(t.dialect);
      int end = hs.nextRecordEnd(buf, off, len);
      int firstPart = len;
      if (end < 0 && readOn() > 0) {
        end = hs.nextRecordEnd(buf, firstPart, len); // a header longer than the first part
      }
      if (end < 0) {
        if (len == buf.length) {
          throw new BadInputException(piece.file(), 1, "header longer than "
              + (buf.length >> 20) + " MB");
        }
        end = len;
      }
      List<String> names = t.dialect.fields(slice(buf, off, end), end - off, t.charset);
      if (t.task.fields().isEmpty()) {
        columns = Headers.map(names, t.task.tableColumns(), t.task.ledgerName(), piece.file());
      } else if (!t.task.fieldsHeader().isEmpty() && !names.equals(t.task.fieldsHeader())) {
        // skipping a record that is not the header would lose a row without a word
        throw new BadInputException(piece.file(), 1, "the first record " + Shown.list(names)
            + " is not the header " + Shown.list(t.task.fieldsHeader())
            + " that the first file starts with:"
            + " under a column list every file starts with that header, or none has one");
      }
      dataLine += hs.newlines();
      off = end;
    }
  }

  /** The hash of the file: given by the plan, or digested while reading the whole file. */
  String hash() throws IOException, InterruptedException {
    if (piece.hash() != null) {
      return t.pending.resolve(piece.hash());
    }
    reader.drainDigest();
    return Hashes.hex(digest);
  }

  long end() {
    return piece.compressed() ? Long.MAX_VALUE : piece.end();
  }

  /** Whether the first line in {@code b[from, to)} ends with CRLF; null when none ends there. */
  private static Boolean lineEnd(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i > from && b[i - 1] == '\r';
      }
    }
    return null;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    System.arraycopy(b, from, out, 0, to - from);
    return out;
  }
}

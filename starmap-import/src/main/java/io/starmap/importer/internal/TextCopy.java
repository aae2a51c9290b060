package io.starmap.importer.internal;

import io.starmap.core.Monitor;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.copy.CopyIn;

/**
 * Text COPY of a task's pieces: the raw CSV bytes go to {@code COPY ... FROM STDIN} (the server
 * parses), small pieces gathered into one message per megabyte, records counted on the client.
 * Stops at the first bad row (located by {@link BadRowLocator}), or hands the pieces to a {@link
 * RejectingLoader} when bad rows are allowed.
 */
final class TextCopy {
  private static final byte[] NEWLINE = {'\n'};
  private static final byte[] CRLF = {'\r', '\n'};
  private final TaskLoad t;
  private final Monitor monitor;
  private final byte[] buf;

  /** Where the gathered small pieces are in {@code buf}: {@code [pendingFrom, pendingTo)}. */
  private int pendingFrom;
  private int pendingTo;

  /** What streaming a piece sent: its records and its physical lines. */
  record Streamed(long records, long lines) {}

  TextCopy(TaskLoad t) {
    this.t = t;
    this.monitor = t.monitor;
    this.buf = t.buf;
  }

  /** One COPY stream shared by consecutive pieces with the same columns and line ends. */
  static final class Segment {
    final List<String> columns;
    Boolean crlf;
    final CopyIn in;
    final List<OpenedPiece> pieces = new ArrayList<>();

    Segment(TaskLoad t, List<String> columns, Boolean crlf) throws SQLException {
      this.columns = columns;
      this.crlf = crlf;
      this.in = t.textCopyIn(columns);
    }

    boolean accepts(OpenedPiece o) {
      return columns.equals(o.columns) && (crlf == null || o.crlf == null || crlf.equals(o.crlf));
    }
  }

  void load() throws Exception {
    if (t.task.maxErrors() > 0) {
      new RejectingLoader(t, this).load();
      return;
    }
    try {
      loadTextGathering();
    } finally {
      t.gathered();
    }
  }

  /**
   * Small pieces are gathered in {@code buf[pendingFrom, pendingTo)} and sent to the segment's COPY
   * together: one COPY message per megabyte instead of one per file, and one measurement: the
   * {@code read} of a batch of small pieces covers opening, reading, digesting and scanning them.
   */
  private void loadTextGathering() throws Exception {
    Segment seg = null;
    for (Piece p : t.pieces) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("import task interrupted before " + p);
      }
      // small: the piece and a line end fit in the buffer; sent with what is gathered before
      // it if they fit together
      boolean small = !p.compressed() && p.length() <= buf.length - 2;
      if (!small || p.length() > buf.length - pendingTo - 2) {
        sendPending(seg);
      }
      if (small && t.gathering == null) {
        t.gathering = monitor.measure("read");
      }
      OpenedPiece o = new OpenedPiece(t, p, pendingTo, small ? t.gathering : null);
      try (o.reader) {
        if (seg != null && !seg.accepts(o)) {
          sendPending(seg);
          endSegment(seg);
          seg = null;
        }
        if (seg == null) {
          t.gathered(); // starting a COPY is not reading
          seg = new Segment(t, o.columns, o.crlf);
          pendingFrom = o.off;
          pendingTo = o.off;
        } else if (seg.crlf == null) {
          seg.crlf = o.crlf;
        }
        seg.pieces.add(o);
        long read;
        if (small && o.reader.atLimit()) {
          read = gather(o);
        } else {
          // a big piece, or a small one whose file has shrunk since planning: streamed, after
          // what is pending (which ends where this piece's bytes begin)
          sendPending(seg);
          try {
            read = stream(o, seg.in, o.off, o.len - o.off).records();
          } catch (SQLException e) {
            throw t.locator.badInput(seg.in, seg.pieces, e);
          }
        }
        t.loaded(o, read, 0);
      }
    }
    if (seg != null) {
      sendPending(seg);
      endSegment(seg);
    }
  }

  /**
   * Appends a small piece read whole to what is pending, its last record ended.
   *
   * @return the piece's records
   */
  private long gather(OpenedPiece o) {
    if (o.off != pendingTo) {
      // a BOM or header between the previous piece's data and this one's
      System.arraycopy(buf, o.off, buf, pendingTo, o.len - o.off);
    }
    int dataLen = o.len - o.off;
    long read = countRecords(buf, pendingTo, pendingTo + dataLen);
    pendingTo += dataLen;
    if (dataLen > 0 && buf[pendingTo - 1] != '\n') {
      // ends the last record with the piece's own line end, as terminate() does
      if (buf[pendingTo - 1] != '\r' && Boolean.TRUE.equals(o.crlf)) {
        buf[pendingTo++] = '\r';
      }
      buf[pendingTo++] = '\n';
    }
    return read;
  }

  /** Sends what is pending (ending any gathering first); nothing is pending after. */
  private void sendPending(Segment seg) throws SQLException {
    send(seg, pendingFrom, pendingTo);
    pendingFrom = 0;
    pendingTo = 0;
  }

  /** Counts the records of a whole small piece's data in {@code b[from, to)}. */
  private long countRecords(byte[] b, int from, int to) {
    RecordScanner scanner = t.sharedScanner;
    scanner.reset();
    scanner.scan(b, from, to);
    scanner.finish();
    return scanner.records();
  }

  /** Sends {@code buf[from, to)} to the segment's COPY (ending any gathering first). */
  private void send(Segment seg, int from, int to) throws SQLException {
    t.gathered();
    if (to <= from) {
      return;
    }
    try (var m = monitor.measure("copy")) {
      seg.in.writeToCopy(buf, from, to - from);
    } catch (SQLException e) {
      throw t.locator.badInput(seg.in, seg.pieces, e);
    }
  }

  private void endSegment(Segment seg) throws SQLException, IOException {
    try (var m = monitor.measure("copy")) {
      long n = seg.in.endCopy();
      t.rowsLoaded += n;
      m.count(n);
    } catch (SQLException e) {
      throw t.locator.badInput(seg.in, seg.pieces, e);
    }
  }

  /**
   * Streams an opened piece's data into a COPY from its buffered bytes on.
   *
   * @return records read and physical lines sent
   */
  Streamed stream(OpenedPiece o, CopyIn in, int off, int len)
      throws IOException, SQLException, InterruptedException {
    RecordScanner scanner = new RecordScanner(t.dialect);
    byte last = '\n';
    long sent = 0;
    while (true) {
      if (len > 0) {
        try (var m = monitor.measure("scan")) {
          scanner.scan(buf, off, off + len);
        }
        try (var m = monitor.measure("copy")) {
          in.writeToCopy(buf, off, len);
        }
        last = buf[off + len - 1];
        sent += len;
      }
      if (Thread.currentThread().isInterrupted()) {
        cancel(in);
        throw new InterruptedException("import task interrupted in " + o.piece);
      }
      len = t.readNext(o, buf);
      if (len < 0) {
        break;
      }
      off = 0;
    }
    long lines = scanner.newlines();
    if (sent > 0 && last != '\n') {
      terminate(in, o, last);
      lines++;
    }
    scanner.finish();
    return new Streamed(scanner.records(), lines);
  }

  /** Ends a last record that has no newline with the piece's own line end. */
  static void terminate(CopyIn in, OpenedPiece o, byte last) throws SQLException {
    if (last != '\r' && Boolean.TRUE.equals(o.crlf)) {
      in.writeToCopy(CRLF, 0, 2);
    } else {
      in.writeToCopy(NEWLINE, 0, 1);
    }
  }

  static void cancel(CopyIn in) {
    try {
      if (in.isActive()) {
        in.cancelCopy();
      }
    } catch (SQLException | RuntimeException e) {
      // the transaction is rolled back anyway
    }
  }
}

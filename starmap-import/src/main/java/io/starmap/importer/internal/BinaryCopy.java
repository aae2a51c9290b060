package io.starmap.importer.internal;

import io.starmap.core.Monitor;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.copy.CopyIn;

/**
 * Binary COPY of a task's pieces: the client parses the CSV and sends tuples ({@link BinaryRows}),
 * one COPY per run of pieces with the same columns. Input the encoder cannot take ends the
 * attempt with a {@link BinaryFallback}: the task is then loaded as text.
 */
final class BinaryCopy {
  private final TaskLoad t;
  private final Monitor monitor;
  private final byte[] buf;
  /** The COPY in progress, null between two. */
  private BinarySegment current;

  BinaryCopy(TaskLoad t) {
    this.t = t;
    this.monitor = t.monitor;
    this.buf = t.buf;
  }

  /** One binary COPY per run of pieces with the same columns. */
  private final class BinarySegment {
    final List<String> columns;
    final CopyIn in;
    final PgBinaryWriter.Out out = new PgBinaryWriter.Out();
    final BinaryRows rows;

    BinarySegment(List<String> columns) throws SQLException {
      this.columns = columns;
      List<String> types = new ArrayList<>();
      for (String c : columns) {
        // a skipped field ("") has no type: read past, not encoded
        types.add(c.isEmpty() ? null : t.task.tableColumns().stream()
            .filter(t -> t.name().equals(c)).findFirst().orElseThrow().type());
      }
      this.rows = new BinaryRows(types, t.dialect, out);
      this.in = t.copyIn(Sql.copy(t.task.table(), TaskLoad.loadedColumns(columns),
          "(FORMAT binary)"));
      out.bytes(PgBinaryWriter.HEADER, 0, PgBinaryWriter.HEADER.length);
    }
  }

  void load() throws Exception {
    try {
      for (Piece p : t.pieces) {
        load(p);
      }
      t.gathered();
      if (current != null) {
        BinarySegment last = current;
        current = null;
        endBinary(last);
      }
    } catch (SQLException | BinaryRows.Unsupported e) {
      t.gathered();
      if (current != null) {
        TextCopy.cancel(current.in);
      }
      throw new BinaryFallback(e);
    } finally {
      t.gathered();
    }
  }

  /**
   * Loads one piece into the COPY in progress, or a new one. A method of its own: the loop over a
   * task's thousands of tiny files runs once per task and stays interpreted, a method called for
   * each piece is compiled.
   */
  private void load(Piece p) throws Exception {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("import task interrupted before " + p);
    }
    // small: the whole piece fits in the buffer, with room for finish()'s extra byte
    boolean small = !p.compressed() && p.length() <= buf.length - 2;
    if (!small) {
      t.gathered();
    } else if (t.gathering == null) {
      t.gathering = monitor.measure("read");
    }
    OpenedPiece o = new OpenedPiece(t, p, 0, small ? t.gathering : null);
    try (o.reader) {
      if (current != null && !current.columns.equals(o.columns)) {
        t.gathered(); // ending a COPY is not reading
        endBinary(current);
        current = null;
      }
      if (current == null) {
        t.gathered(); // starting a COPY is not reading
        current = new BinarySegment(o.columns);
      }
      long read = small && o.reader.atLimit() ? encodeWhole(o, current) : streamBinary(o, current);
      t.loaded(o, read, 0);
    }
  }

  /**
   * Encodes a small piece read whole into the buffer, within the measurement of its batch of
   * small pieces ({@code read} then covers opening, reading, digesting and encoding them: one
   * measurement per piece would cost as much as the encoding of a tiny file).
   *
   * @return records read
   */
  private long encodeWhole(OpenedPiece o, BinarySegment seg)
      throws SQLException, BinaryRows.Unsupported {
    BinaryRows rows = seg.rows;
    rows.resetCount();
    int pos = o.off;
    while (true) {
      pos = rows.feed(buf, pos, o.len, FLUSH);
      if (seg.out.n < FLUSH) {
        break;
      }
      t.gathered(); // sending is not reading
      flushBinary(seg);
    }
    rows.finish(buf, pos, o.len);
    if (seg.out.n >= FLUSH) {
      t.gathered();
      flushBinary(seg);
    }
    return rows.records();
  }

  /** Output bytes sent to the server at a time. */
  private static final int FLUSH = 1 << 19;

  /**
   * Encodes an opened piece's records into the segment's binary COPY. A record cut by the end of
   * the buffer moves to the buffer's front and the next read goes on after it.
   *
   * @return records read
   */
  private long streamBinary(OpenedPiece o, BinarySegment seg)
      throws IOException, SQLException, BinaryRows.Unsupported, InterruptedException {
    BinaryRows rows = seg.rows;
    rows.resetCount();
    int pos = o.off;
    int end = o.len;
    while (true) {
      while (pos < end) {
        int next;
        try (var m = monitor.measure("parse")) {
          next = rows.feed(buf, pos, end, FLUSH);
        }
        boolean full = seg.out.n >= FLUSH;
        if (full) {
          flushBinary(seg);
        }
        pos = next;
        if (!full) {
          break; // the rest is a record cut by the end of the buffer
        }
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("import task interrupted in " + o.piece);
      }
      int tail = end - pos;
      if (tail >= buf.length - 1) {
        throw new BinaryRows.Unsupported("a record longer than " + (buf.length >> 20) + " MB");
      }
      if (tail > 0 && pos > 0) {
        System.arraycopy(buf, pos, buf, 0, tail);
      }
      int n = t.readNext(o, buf, tail);
      if (n < 0) {
        if (tail > 0) {
          try (var m = monitor.measure("parse")) {
            rows.finish(buf, 0, tail);
          }
        }
        break;
      }
      pos = 0;
      end = tail + n;
    }
    return rows.records();
  }

  /** Sends the encoded tuples (the output holds whole tuples only). */
  private void flushBinary(BinarySegment seg) throws SQLException {
    if (seg.out.n > 0) {
      try (var m = monitor.measure("copy")) {
        seg.in.writeToCopy(seg.out.buf, 0, seg.out.n);
        m.count(seg.out.n);
      }
      seg.out.n = 0;
    }
  }

  private void endBinary(BinarySegment seg) throws SQLException {
    seg.out.bytes(PgBinaryWriter.TRAILER, 0, PgBinaryWriter.TRAILER.length);
    flushBinary(seg);
    seg.out.release();
    try (var m = monitor.measure("copy")) {
      long n = seg.in.endCopy();
      t.rowsLoaded += n;
      m.count(n);
    }
  }
}

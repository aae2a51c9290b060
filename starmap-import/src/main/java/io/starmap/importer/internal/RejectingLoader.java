package io.starmap.importer.internal;

import io.starmap.importer.BadInputException;
import io.starmap.importer.ImportException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Text COPY of a task's pieces when bad rows are allowed: each piece under a savepoint; a failed
 * COPY is rolled back to it, the bad record found ({@link BadRowLocator}, or by bisection when
 * the server names no line), the records around it loaded, and it is rejected within the budget.
 */
final class RejectingLoader {
  private final TaskLoad t;
  private final TextCopy text;
  private final Connection conn;
  private final CopyTask task;

  /** The boundary after half the records of a range, and the lines before it. */
  private record Half(long at, long linesBefore) {}

  RejectingLoader(TaskLoad t, TextCopy text) {
    this.t = t;
    this.text = text;
    this.conn = t.conn;
    this.task = t.task;
  }

  /** Loads each piece under savepoints, rejecting bad rows within the budget. */
  void load() throws Exception {
    for (Piece p : t.pieces) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("import task interrupted before " + p);
      }
      OpenedPiece o = new OpenedPiece(t, p);
      try (o.reader) {
        int before = t.rejects.size();
        long read = loadWithRejects(o);
        long rejected = t.rejects.size() - before;
        t.loaded(o, read, rejected);
      }
    }
  }

  /** Loads one piece under savepoints, rejecting bad rows; returns the records read. */
  private long loadWithRejects(OpenedPiece o) throws Exception {
    Savepoint sp = conn.setSavepoint();
    CopyIn in = t.copyIn(t.copySql(o.columns));
    TextCopy.Streamed counts;
    try {
      counts = text.stream(o, in, o.off, o.len - o.off);
      long n;
      try (var m = t.monitor.measure("copy")) {
        n = in.endCopy();
        m.count(n);
      }
      conn.releaseSavepoint(sp);
      t.rowsLoaded += n;
      return counts.records();
    } catch (SQLException e) {
      TextCopy.cancel(in);
      undo(sp);
      if (!BadRowLocator.isRowError(e)) {
        throw new ImportException("COPY into " + task.ledgerName() + " failed for " + o.piece
            + ": " + e.getMessage(), e);
      }
      loadRange(o, o.dataStart, o.end(), o.dataLine, e);
      return countRecords(o, o.dataStart, o.end());
    }
  }

  private long countRecords(OpenedPiece o, long from, long to) throws IOException {
    byte[] b = new byte[1 << 16];
    RecordScanner s = new RecordScanner(t.dialect);
    try (PieceReader r = PieceReader.open(o.piece, from, to, null)) {
      int n;
      while ((n = r.read(b, 0, b.length)) > 0) {
        s.scan(b, 0, n);
      }
    }
    s.finish();
    return s.records();
  }

  /**
   * Rolls back to {@code sp} and releases it. ROLLBACK TO SAVEPOINT keeps the savepoint open, so
   * without the release every bad row would nest the next savepoint one level deeper, and the
   * first write after thousands of them needs a transaction id (and a lock) per level: "out of
   * shared memory" after about 10,000 rejected rows in one piece.
   */
  private void undo(Savepoint sp) throws SQLException {
    conn.rollback(sp);
    conn.releaseSavepoint(sp);
  }

  /** Copies the records in [from, to) of a piece; returns the rows loaded. */
  private long copyRange(OpenedPiece o, long from, long to) throws SQLException, IOException {
    CopyIn in = t.copyIn(t.copySql(o.columns));
    byte[] b = new byte[1 << 16];
    byte last = '\n';
    boolean any = false;
    try (PieceReader r = PieceReader.open(o.piece, from, to, null);
        var m = t.monitor.measure("copy")) {
      int n;
      while ((n = r.read(b, 0, b.length)) > 0) {
        in.writeToCopy(b, 0, n);
        last = b[n - 1];
        any = true;
      }
      if (any && last != '\n') {
        TextCopy.terminate(in, o, last);
      }
      long rows = in.endCopy();
      m.count(rows);
      return rows;
    } catch (SQLException | IOException | RuntimeException e) {
      TextCopy.cancel(in);
      throw e;
    }
  }

  /**
   * Loads [from, to) of a piece, rejecting bad rows: a failed COPY is rolled back to its
   * savepoint, the bad record is found from the error's line (or by bisection when the error has
   * none), the records before it are loaded, it is rejected, and loading goes on after it.
   */
  private void loadRange(OpenedPiece o, long from, long to, long firstLine, SQLException known)
      throws SQLException, IOException {
    long a = from;
    long line = firstLine;
    SQLException error = known;
    while (true) {
      if (error == null) {
        Savepoint sp = conn.setSavepoint();
        try {
          t.rowsLoaded += copyRange(o, a, to);
          conn.releaseSavepoint(sp);
          return;
        } catch (SQLException e) {
          undo(sp);
          if (!BadRowLocator.isRowError(e)) {
            throw e;
          }
          error = e;
        }
      }
      ServerErrorMessage sem = error instanceof PSQLException pe ? pe.getServerErrorMessage()
          : null;
      String reason = sem != null ? BadRowLocator.reason(sem) : error.getMessage();
      Long rel = BadRowLocator.lineOf(sem);
      if (rel != null) {
        BadRowLocator.Located r = t.locator.locate(o, a, to, rel, t.locator.new ServerLines(),
            true);
        if (r.start() > a) {
          loadRange(o, a, r.start(), line, null);
        }
        reject(o, r.start(), r.end(), line + r.lineRel() - 1, reason);
        line += r.linesAfter();
        a = r.end();
        error = null;
        if (a >= to || r.end() <= r.start()) {
          return;
        }
      } else {
        Half split = middle(o, a, to);
        if (split == null) {
          reject(o, a, to, line, reason); // one record left: all of it
          return;
        }
        loadRange(o, a, split.at(), line, null);
        loadRange(o, split.at(), to, line + split.linesBefore(), null);
        return;
      }
    }
  }

  /** The boundary after half the records of [from, to) and the lines before it; null if < 2. */
  private Half middle(OpenedPiece o, long from, long to) throws IOException {
    long total = countRecords(o, from, to);
    if (total < 2) {
      return null;
    }
    long half = total / 2;
    byte[] b = new byte[1 << 16];
    RecordScanner s = new RecordScanner(t.dialect);
    try (PieceReader r = PieceReader.open(o.piece, from, to, null)) {
      long pos = from;
      int n;
      while ((n = r.read(b, 0, b.length)) > 0) {
        int i = 0;
        while (i < n) {
          int end = s.nextRecordEnd(b, i, n);
          if (end < 0) {
            break;
          }
          if (s.records() == half) {
            return new Half(pos + end, s.newlines());
          }
          i = end;
        }
        pos += n;
      }
    }
    return null;
  }

  /** Notes a bad record by its place: its bytes go from the input to the rejects file. */
  private void reject(OpenedPiece o, long from, long to, long line, String reason) {
    t.rejects.add(new TaskResult.Reject(o.piece.file(), line, reason, o.piece, from, to));
    if (t.rejects.size() > task.maxErrors()) {
      throw new BadInputException(ImportException.Kind.TOO_MANY_BAD_ROWS, o.piece.file(), line,
          reason + "; more than " + task.maxErrors() + " bad rows (the most allowed)");
    }
  }
}

package io.starmap.importer.internal;

import io.starmap.importer.BadInputException;
import io.starmap.importer.ImportException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Finds the record a COPY error means: from the server's error context ("line N" of the COPY
 * stream, counted the server's way, see {@link ServerLines}) to the file and physical line, and
 * the server's reason kept short.
 */
final class BadRowLocator {
  private static final Pattern LINE = Pattern.compile("line (\\d+)(?:, column ([^:]+))?");
  /** The server's reason is kept to this length: it may quote a whole bad value. */
  private static final int MAX_REASON_CHARS = 1_000;
  private final CopyTask task;
  private final Dialect dialect;

  BadRowLocator(CopyTask task) {
    this.task = task;
    this.dialect = task.dialect();
  }

  ImportException badInput(CopyIn in, List<OpenedPiece> pieces, SQLException e) {
    TextCopy.cancel(in);
    ServerErrorMessage sem = e instanceof PSQLException pe ? pe.getServerErrorMessage() : null;
    if (!isRowError(e) || sem == null) {
      return new ImportException("COPY into " + task.ledgerName() + " failed for "
          + task.describe() + ": " + e.getMessage(), e);
    }
    String reason = reason(sem);
    Long line = lineOf(sem);
    OpenedPiece first = pieces.get(0);
    if (line == null) {
      return new BadInputException(first.piece.file(), 0, reason);
    }
    ServerLines lines = new ServerLines();
    for (int i = 0; i < pieces.size(); i++) {
      OpenedPiece o = pieces.get(i);
      boolean lastOne = i == pieces.size() - 1;
      try {
        long physicalBefore = lines.physical;
        Located r = locate(o, o.dataStart, o.end(), line, lines, lastOne);
        if (r != null) {
          return new BadInputException(o.piece.file(),
              o.dataLine + r.lineRel - 1 - physicalBefore, reason);
        }
      } catch (IOException io) {
        return new BadInputException(o.piece.file(), 0, reason);
      }
    }
    return new BadInputException(first.piece.file(), 0, reason);
  }

  static boolean isRowError(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  static String reason(ServerErrorMessage sem) {
    String msg = Objects.requireNonNullElse(sem.getMessage(), "rejected by the server");
    if (msg.length() > MAX_REASON_CHARS) {
      // "invalid input syntax for type integer: "..."" quotes the value, which may be megabytes
      // a cut between the two halves of a character beyond the BMP would leave half of it
      int cut = Character.isHighSurrogate(msg.charAt(MAX_REASON_CHARS - 1))
          ? MAX_REASON_CHARS - 1 : MAX_REASON_CHARS;
      msg = msg.substring(0, cut) + "... (" + msg.length() + " characters)";
    }
    Matcher m = sem.getWhere() == null ? null : LINE.matcher(sem.getWhere());
    if (m != null && m.find() && m.group(2) != null) {
      msg += " (column " + m.group(2).strip() + ")";
    }
    return msg;
  }

  static Long lineOf(ServerErrorMessage sem) {
    if (sem == null || sem.getWhere() == null) {
      return null;
    }
    Matcher m = LINE.matcher(sem.getWhere());
    return m.find() ? Long.parseLong(m.group(1)) : null;
  }

  /** A record found by its line: its bytes' positions and its first line relative to a start. */
  record Located(long start, long end, long lineRel, long linesAfter) {}

  /**
   * Finds the record the server means by "line {@code serverLine}" in a COPY stream that starts at
   * {@code from}, continuing the server's count in {@code lines} (for segments of several
   * pieces); null when the stream ends first (then {@code lines} has counted the piece).
   */
  Located locate(OpenedPiece o, long from, long to, long serverLine, ServerLines lines,
      boolean lastPiece) throws IOException {
    byte[] b = new byte[1 << 16];
    try (PieceReader r = PieceReader.open(o.piece, from, to, null)) {
      long pos = from;
      long recStart = from;
      long recLine = lines.physical + 1;
      Located last = null;
      int n;
      while ((n = r.read(b, 0, b.length)) > 0) {
        int i = 0;
        while (i < n) {
          int end = lines.next(b, i, n);
          if (end < 0) {
            break;
          }
          long recEnd = pos + end;
          last = new Located(recStart, recEnd, recLine, lines.physical);
          if (lines.line >= serverLine) {
            return last;
          }
          recStart = recEnd;
          recLine = lines.physical + 1;
          i = end;
        }
        pos += n;
      }
      if (lines.pending) {
        lines.endPartial();
        Located partial = new Located(recStart, pos, recLine, lines.physical);
        if (lines.line >= serverLine || lastPiece) {
          return partial;
        }
      }
      return lastPiece ? last != null ? last : new Located(from, pos, 1, 0) : null;
    }
  }

  /**
   * Counts lines the way PostgreSQL's COPY does for its error context: one per record, plus the
   * line ends inside quoted fields, except that while the line-end style is still unknown (the
   * first record of a stream) it counts carriage returns, so a LF file's first record counts as
   * one line however many it spans. Also counts physical newlines, for file line numbers.
   */
  final class ServerLines {
    private final byte quote = dialect.quote();
    private final int escape = dialect.effectiveEscape();
    long line;
    long physical;
    boolean pending;
    private int eol; // 0 unknown, 1 LF, 2 CRLF
    private boolean inQuote;
    private boolean lastWasEscape;
    private long quotedLf;
    private long quotedCr;
    private byte prev;

    int next(byte[] b, int from, int to) {
      for (int i = from; i < to; i++) {
        byte c = b[i];
        pending = true;
        if (inQuote && c == escape) {
          lastWasEscape = !lastWasEscape;
        }
        if (c == quote && !lastWasEscape) {
          inQuote = !inQuote;
        }
        if (c != escape) {
          lastWasEscape = false;
        }
        if (c == '\n') {
          physical++;
          if (!inQuote) {
            line += 1 + (eol == 1 ? quotedLf : quotedCr);
            if (eol == 0) {
              eol = prev == '\r' ? 2 : 1;
            }
            quotedLf = 0;
            quotedCr = 0;
            pending = false;
            prev = c;
            return i + 1;
          }
          quotedLf++;
        } else if (c == '\r' && inQuote) {
          quotedCr++;
        }
        prev = c;
      }
      return -1;
    }

    void endPartial() {
      line += 1 + (eol == 1 ? quotedLf : quotedCr);
      physical++;
      pending = false;
    }
  }
}

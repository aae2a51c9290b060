package io.starmap.importer.internal;

import io.starmap.core.Monitor;
import io.starmap.core.TaskContext;
import io.starmap.importer.BadInputException;
import io.starmap.importer.ImportException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The COPY task: loads a task's pieces in one transaction, streaming raw CSV bytes to {@code COPY
 * ... FROM STDIN} (the server parses), counting records on the client, and writing the pieces'
 * ledger rows in the same transaction. With a bad-row budget, bad rows are located from the
 * server's error context (or by bisection) and loaded around under savepoints.
 */
public final class CopyRunner {
  private static final int BUFFER = 1 << 20;
  private static final byte[] NEWLINE = {'\n'};
  private static final byte[] CRLF = {'\r', '\n'};
  private static final Pattern LINE = Pattern.compile("line (\\d+)(?:, column ([^:]+))?");
  /** The server's reason is kept to this length: it may quote a whole bad value. */
  private static final int MAX_REASON_CHARS = 1_000;

  private final CopyTask task;
  private final PendingHashes pending;
  private final Monitor monitor;
  private final Connection conn;
  private final CopyManager copyManager;
  private final Dialect dialect;
  private final Charset charset;
  private final byte[] buf = new byte[BUFFER];
  private final MessageDigest sharedDigest = Hashes.sha256();
  private final RecordScanner sharedScanner;
  private final List<String> tableColumnNames;
  private final List<TaskResult.Reject> rejects = new ArrayList<>();
  private long rowsRead;
  private long rowsLoaded;
  private long bytes;

  private final List<Piece> pieces;
  private boolean binary;
  private final List<Ledger.Entry> entries = new ArrayList<>();

  /** The task's input needs CSV text COPY. */
  private static final class Fallback extends Exception {
    private static final long serialVersionUID = 1L;

    Fallback(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }

    /** Why, in a few words from a small set (for the task's counters). */
    String reason() {
      return getCause() instanceof SQLException e ? "server error " + e.getSQLState()
          : getMessage();
    }
  }

  /** Whether binary COPY can encode a column of this type. */
  public static boolean binarySupported(String type) {
    return BinaryRows.supported(type);
  }

  /** The {@code read} measurement of the batch of small pieces being gathered, or null. */
  private Monitor.Measurement gathering;
  /** Entries whose ledger key was taken; null when some was but which is not known yet. */
  private java.util.Set<Integer> duplicates = java.util.Set.of();
  /** Whether to write the ledger rows so that taken keys are found (after a taken key). */
  private boolean exactLedger;

  private CopyRunner(CopyTask task, Monitor monitor, Connection conn, List<Piece> pieces,
      PendingHashes pending) throws SQLException {
    this.task = task;
    this.pending = pending;
    this.pieces = pieces;
    this.monitor = monitor;
    this.conn = conn;
    this.copyManager = conn.unwrap(PGConnection.class).getCopyAPI();
    this.dialect = task.dialect();
    this.charset = PgEncoding.charset(dialect.encoding());
    this.sharedScanner = new RecordScanner(dialect);
    this.tableColumnNames = task.tableColumns().stream().map(Sql.Column::name).toList();
  }

  /** The task function: runs wherever the executor puts it. */
  static TaskResult run(CopyTask task, TaskContext<CopyTask> ctx, RunState run)
      throws Exception {
    if (run.stopping()) {
      return TaskResult.NOT_STARTED;
    }
    ConnectionPool pool = run.pool(task.target(), task.connections());
    Connection c;
    try (var m = ctx.measure("connect")) {
      c = pool.borrow();
    }
    boolean reusable = false;
    try {
      // A piece whose ledger key is already taken (the same content in another file, or loaded
      // by a concurrent run) is dropped and the task redone without it: never loaded twice.
      List<Piece> pieces = task.pieces();
      int skippedPieces = 0;
      long skippedRows = 0;
      boolean binary = task.binary() && pool.binaryWorthTrying();
      boolean exactLedger = false;
      while (true) {
        CopyRunner runner = new CopyRunner(task, ctx, c, pieces, run.pendingHashes());
        runner.binary = binary;
        runner.exactLedger = exactLedger;
        TaskResult r;
        try {
          r = runner.load();
        } catch (Fallback f) {
          // binary COPY could not take this input: the server parses it as CSV instead, and
          // reports any error in it with its own words and line numbers
          c.rollback();
          ctx.count("binary fallback", 1);
          ctx.count("binary fallback: " + f.reason(), 1);
          pool.binaryFellBack();
          binary = false;
          continue;
        }
        if (runner.duplicates == null) {
          // a ledger key was taken: redo the task writing its ledger rows one by one, which
          // tells which pieces to drop
          c.rollback();
          ctx.count("ledger recheck", 1);
          exactLedger = true;
          continue;
        }
        if (runner.duplicates.isEmpty()) {
          reusable = true;
          return new TaskResult(r.pieces(), r.bytes(), r.rowsRead(), r.rowsLoaded(), r.rejects(),
              skippedPieces, skippedRows);
        }
        c.rollback();
        List<Piece> keep = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
          Integer dup = runner.duplicates.contains(i) ? i : null;
          if (dup == null) {
            keep.add(pieces.get(i));
          } else {
            skippedPieces++;
            skippedRows += runner.entries.get(i).rowsRead();
          }
        }
        pieces = keep;
      }
    } finally {
      if (!reusable) {
        reusable = rollbackQuietly(c);
      }
      pool.release(c, reusable);
    }
  }

  private static boolean rollbackQuietly(Connection c) {
    try {
      c.rollback();
      return !c.isClosed();
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  /**
   * An open piece: its reader, its first buffered bytes (in {@code buf[off, len)}, after any BOM
   * and header) and where its data starts in the file.
   */
  private final class Opened {
    final Piece piece;
    final PieceReader reader;
    final MessageDigest digest;
    int off;
    int len;
    long dataStart;
    long dataLine;
    List<String> columns;
    Boolean crlf;

    Opened(Piece piece) throws IOException {
      this(piece, 0, null);
    }

    /**
     * Opens {@code piece} and reads its first bytes into {@code buf} from {@code base} on,
     * measured as {@code read} by itself, or as part of {@code gathering} when given.
     */
    Opened(Piece piece, int base, Monitor.Measurement gathering) throws IOException {
      this.piece = piece;
      if (piece.hash() == null) {
        sharedDigest.reset();
        this.digest = sharedDigest;
      } else {
        this.digest = null;
      }
      long from = piece.start();
      // opening is part of reading: for tiny files it is most of it
      Monitor.Measurement m = gathering != null ? gathering : monitor.measure("read");
      this.reader = PieceReader.open(piece, from, piece.gzip() ? Long.MAX_VALUE : piece.end(),
          digest);
      try {
        int n = reader.fill(buf, base, buf.length - base);
        len = base + n;
        m.count(n);
        if (m != gathering) {
          m.close();
        }
        off = base;
        dataLine = piece.firstLine();
        columns = piece.columns();
        if (from == 0) {
          skipPreamble(base);
        }
        dataStart = from + off - base;
        if (columns == null) {
          columns = tableColumnNames;
        }
        crlf = lineEnd(buf, off, len);
      } catch (IOException | RuntimeException e) {
        reader.close();
        throw e;
      }
    }

    /** Skips a UTF-8 BOM and, when the piece starts with one to skip, the header. */
    private void skipPreamble(int base) {
      if (dialect.utf8() && len - base >= 3 && (buf[base] & 0xff) == 0xEF
          && (buf[base + 1] & 0xff) == 0xBB && (buf[base + 2] & 0xff) == 0xBF) {
        off = base + 3;
      }
      if (piece.skipHeader()) {
        RecordScanner hs = new RecordScanner(dialect);
        int end = hs.nextRecordEnd(buf, off, len);
        if (end < 0) {
          if (len == buf.length) {
            throw new BadInputException(piece.file(), 1, "header longer than "
                + (BUFFER >> 20) + " MB");
          }
          end = len;
        }
        List<String> names = dialect.fields(slice(buf, off, end), end - off, charset);
        columns = mapHeader(names, piece.file());
        dataLine += hs.newlines();
        off = end;
      }
    }

    /** The hash of the file: given by the plan, or digested while reading the whole file. */
    String hash() throws IOException, InterruptedException {
      if (piece.hash() != null) {
        return pending.resolve(piece.hash());
      }
      reader.drainDigest();
      return Hashes.hex(digest);
    }

    long end() {
      return piece.gzip() ? Long.MAX_VALUE : piece.end();
    }
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

  private List<String> mapHeader(List<String> names, String file) {
    return Headers.map(names, task.tableColumns(), task.ledgerName(), file);
  }

  /** One COPY stream shared by consecutive pieces with the same columns and line ends. */
  private final class Segment {
    final List<String> columns;
    Boolean crlf;
    final CopyIn in;
    final List<Opened> pieces = new ArrayList<>();

    Segment(List<String> columns, Boolean crlf) throws SQLException {
      this.columns = columns;
      this.crlf = crlf;
      this.in = copyManager.copyIn(copySql(columns));
    }

    boolean accepts(Opened o) {
      return columns.equals(o.columns) && (crlf == null || o.crlf == null || crlf.equals(o.crlf));
    }
  }

  private String copySql(List<String> columns) {
    StringBuilder sb = new StringBuilder("COPY ").append(task.table()).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(Sql.ident(columns.get(i)));
    }
    return sb.append(") FROM STDIN WITH ").append(dialect.copyOptions()).toString();
  }

  private TaskResult load() throws Exception {
    if (binary) {
      loadBinary();
      monitor.count("rows sent as binary", rowsLoaded);
    } else {
      loadText();
    }
    if (rowsRead != rowsLoaded + rejects.size()) {
      throw new ImportException("row accounting mismatch in " + task.describe() + ": read "
          + rowsRead + " records but the server loaded " + rowsLoaded + " and " + rejects.size()
          + " were rejected; nothing of this task was committed");
    }
    try (var m = monitor.measure("ledger")) {
      if (exactLedger) {
        duplicates = Ledger.record(conn, task.ledgerKey(), task.calcId(), entries);
      } else {
        duplicates = Ledger.recordFast(conn, task.ledgerKey(), task.calcId(), entries);
      }
      m.count(entries.size());
    }
    if (duplicates == null || !duplicates.isEmpty()) {
      return null;
    }
    try (var m = monitor.measure("commit")) {
      conn.commit();
      m.count(rowsLoaded);
    }
    return new TaskResult(pieces.size(), bytes, rowsRead, rowsLoaded, List.copyOf(rejects), 0, 0);
  }

  /** One binary COPY per run of pieces with the same columns. */
  private final class BinarySegment {
    final List<String> columns;
    final CopyIn in;
    final BinaryRows.Out out = new BinaryRows.Out();
    final BinaryRows rows;

    BinarySegment(List<String> columns) throws SQLException {
      this.columns = columns;
      List<String> types = new ArrayList<>();
      for (String c : columns) {
        types.add(task.tableColumns().stream().filter(t -> t.name().equals(c)).findFirst()
            .orElseThrow().type());
      }
      this.rows = new BinaryRows(types, dialect, out);
      StringBuilder sb = new StringBuilder("COPY ").append(task.table()).append(" (");
      for (int i = 0; i < columns.size(); i++) {
        sb.append(i > 0 ? ", " : "").append(Sql.ident(columns.get(i)));
      }
      this.in = copyManager.copyIn(sb.append(") FROM STDIN WITH (FORMAT binary)").toString());
      out.bytes(BinaryRows.HEADER, 0, BinaryRows.HEADER.length);
    }
  }

  private void loadBinary() throws Exception {
    BinarySegment seg = null;
    try {
      for (Piece p : pieces) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("import task interrupted before " + p);
        }
        // small: the whole piece fits in the buffer, with room for finish()'s extra byte
        boolean small = !p.gzip() && p.length() <= buf.length - 2;
        if (!small) {
          gathered();
        } else if (gathering == null) {
          gathering = monitor.measure("read");
        }
        Opened o = new Opened(p, 0, small ? gathering : null);
        try (o.reader) {
          if (seg != null && !seg.columns.equals(o.columns)) {
            gathered(); // ending a COPY is not reading
            endBinary(seg);
            seg = null;
          }
          if (seg == null) {
            gathered(); // starting a COPY is not reading
            seg = new BinarySegment(o.columns);
          }
          long read = small && o.reader.atLimit() ? encodeWhole(o, seg) : streamBinary(o, seg);
          rowsRead += read;
          bytes += p.length();
          entries.add(new Ledger.Entry(o.hash(), p.file(), p.fileSize(), p.start(), p.end(),
              read, 0));
        }
      }
      gathered();
      if (seg != null) {
        BinarySegment last = seg;
        seg = null;
        endBinary(last);
      }
    } catch (SQLException | BinaryRows.Unsupported e) {
      gathered();
      if (seg != null) {
        cancel(seg.in);
      }
      throw new Fallback(e);
    } finally {
      gathered();
    }
  }

  /**
   * Encodes a small piece read whole into the buffer, within the measurement of its batch of
   * small pieces ({@code read} then covers opening, reading, digesting and encoding them: one
   * measurement per piece would cost as much as the encoding of a tiny file).
   *
   * @return records read
   */
  private long encodeWhole(Opened o, BinarySegment seg)
      throws SQLException, BinaryRows.Unsupported {
    BinaryRows rows = seg.rows;
    rows.resetCount();
    int pos = o.off;
    while (true) {
      pos = rows.feed(buf, pos, o.len, FLUSH);
      if (seg.out.n < FLUSH) {
        break;
      }
      gathered(); // sending is not reading
      flushBinary(seg);
    }
    rows.finish(buf, pos, o.len);
    if (seg.out.n >= FLUSH) {
      gathered();
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
  private long streamBinary(Opened o, BinarySegment seg)
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
      int n = readNext(o, buf, tail);
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
    seg.out.bytes(BinaryRows.TRAILER, 0, BinaryRows.TRAILER.length);
    flushBinary(seg);
    try (var m = monitor.measure("copy")) {
      long n = seg.in.endCopy();
      rowsLoaded += n;
      m.count(n);
    }
  }

  private void loadText() throws Exception {
    if (task.maxErrors() > 0) {
      loadTextWithRejects();
      return;
    }
    try {
      loadTextGathering();
    } finally {
      gathered();
    }
  }

  /**
   * Small pieces are gathered in buf[pendingFrom, pendingTo) and sent to the segment's COPY
   * together: one COPY message per megabyte instead of one per file, and one measurement: the
   * {@code read} of a batch of small pieces covers opening, reading, digesting and scanning them.
   */
  private void loadTextGathering() throws Exception {
    Segment seg = null;
    int pendingFrom = 0;
    int pendingTo = 0;
    for (Piece p : pieces) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("import task interrupted before " + p);
      }
      // small: the piece and a line end fit in the buffer; sent with what is gathered before
      // it if they fit together
      boolean small = !p.gzip() && p.length() <= buf.length - 2;
      if (!small || p.length() > buf.length - pendingTo - 2) {
        send(seg, pendingFrom, pendingTo);
        pendingFrom = 0;
        pendingTo = 0;
      }
      if (small && gathering == null) {
        gathering = monitor.measure("read");
      }
      Opened o = new Opened(p, pendingTo, small ? gathering : null);
      try (o.reader) {
        if (seg != null && !seg.accepts(o)) {
          send(seg, pendingFrom, pendingTo);
          endSegment(seg);
          seg = null;
        }
        if (seg == null) {
          gathered(); // starting a COPY is not reading
          seg = new Segment(o.columns, o.crlf);
          pendingFrom = o.off;
          pendingTo = o.off;
        } else if (seg.crlf == null) {
          seg.crlf = o.crlf;
        }
        seg.pieces.add(o);
        long read;
        if (small && o.reader.atLimit()) {
          if (o.off != pendingTo) {
            // a BOM or header between the previous piece's data and this one's
            System.arraycopy(buf, o.off, buf, pendingTo, o.len - o.off);
          }
          int dataLen = o.len - o.off;
          read = countRecords(buf, pendingTo, pendingTo + dataLen);
          pendingTo += dataLen;
          if (dataLen > 0 && buf[pendingTo - 1] != '\n') {
            // ends the last record with the piece's own line end, as terminate() does
            if (buf[pendingTo - 1] != '\r' && Boolean.TRUE.equals(o.crlf)) {
              buf[pendingTo++] = '\r';
            }
            buf[pendingTo++] = '\n';
          }
        } else {
          // a big piece, or a small one whose file has shrunk since planning: streamed, after
          // what is pending (which ends where this piece's bytes begin)
          send(seg, pendingFrom, pendingTo);
          try {
            read = stream(o, seg.in, o.off, o.len - o.off)[0];
          } catch (SQLException e) {
            throw badInput(seg, e);
          }
          pendingFrom = 0;
          pendingTo = 0;
        }
        rowsRead += read;
        bytes += p.length();
        entries.add(new Ledger.Entry(o.hash(), p.file(), p.fileSize(), p.start(), p.end(), read,
            0));
      }
    }
    if (seg != null) {
      send(seg, pendingFrom, pendingTo);
      endSegment(seg);
    }
  }

  /** Counts the records of a whole small piece's data in {@code b[from, to)}. */
  private long countRecords(byte[] b, int from, int to) {
    RecordScanner scanner = sharedScanner;
    scanner.reset();
    scanner.scan(b, from, to);
    scanner.finish();
    return scanner.records();
  }

  /** Ends the measurement of a batch of small pieces being gathered, if one is open. */
  private void gathered() {
    if (gathering != null) {
      gathering.close();
      gathering = null;
    }
  }

  /** Sends {@code buf[from, to)} to the segment's COPY (ending any gathering first). */
  private void send(Segment seg, int from, int to) throws SQLException {
    gathered();
    if (to <= from) {
      return;
    }
    try (var m = monitor.measure("copy")) {
      seg.in.writeToCopy(buf, from, to - from);
    } catch (SQLException e) {
      throw badInput(seg, e);
    }
  }

  /** Loads each piece under savepoints, rejecting bad rows within the budget. */
  private void loadTextWithRejects() throws Exception {
    for (Piece p : pieces) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("import task interrupted before " + p);
      }
      Opened o = new Opened(p);
      try (o.reader) {
        int before = rejects.size();
        long read = loadWithRejects(o);
        long rejected = rejects.size() - before;
        rowsRead += read;
        bytes += p.length();
        entries.add(new Ledger.Entry(o.hash(), p.file(), p.fileSize(), p.start(), p.end(), read,
            rejected));
      }
    }
  }

  private void endSegment(Segment seg) throws SQLException, IOException {
    try (var m = monitor.measure("copy")) {
      long n = seg.in.endCopy();
      rowsLoaded += n;
      m.count(n);
    } catch (SQLException e) {
      throw badInput(seg, e);
    }
  }

  /**
   * Streams an opened piece's data into a COPY from its buffered bytes on.
   *
   * @return records read and physical lines sent
   */
  private long[] stream(Opened o, CopyIn in, int off, int len)
      throws IOException, SQLException, InterruptedException {
    RecordScanner scanner = new RecordScanner(dialect);
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
      len = readNext(o, buf);
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
    return new long[] {scanner.records(), lines};
  }

  /** Ends a last record that has no newline with the piece's own line end. */
  private static void terminate(CopyIn in, Opened o, byte last) throws SQLException {
    if (last != '\r' && Boolean.TRUE.equals(o.crlf)) {
      in.writeToCopy(CRLF, 0, 2);
    } else {
      in.writeToCopy(NEWLINE, 0, 1);
    }
  }

  private static void cancel(CopyIn in) {
    try {
      if (in.isActive()) {
        in.cancelCopy();
      }
    } catch (SQLException | RuntimeException e) {
      // the transaction is rolled back anyway
    }
  }

  // ---- stop at the first bad row ----

  private ImportException badInput(Segment seg, SQLException e) {
    cancel(seg.in);
    ServerErrorMessage sem = e instanceof PSQLException pe ? pe.getServerErrorMessage() : null;
    if (!isRowError(e) || sem == null) {
      return new ImportException("COPY into " + task.ledgerName() + " failed for "
          + task.describe() + ": " + e.getMessage(), e);
    }
    String reason = reason(sem);
    Long line = lineOf(sem);
    Opened first = seg.pieces.get(0);
    if (line == null) {
      return new BadInputException(first.piece.file(), 0, reason);
    }
    ServerLines lines = new ServerLines();
    for (int i = 0; i < seg.pieces.size(); i++) {
      Opened o = seg.pieces.get(i);
      boolean lastOne = i == seg.pieces.size() - 1;
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

  private static boolean isRowError(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  private static String reason(ServerErrorMessage sem) {
    String msg = Objects.requireNonNullElse(sem.getMessage(), "rejected by the server");
    if (msg.length() > MAX_REASON_CHARS) {
      // "invalid input syntax for type integer: "..."" quotes the value, which may be megabytes
      msg = msg.substring(0, MAX_REASON_CHARS) + "... (" + msg.length() + " characters)";
    }
    Matcher m = sem.getWhere() == null ? null : LINE.matcher(sem.getWhere());
    if (m != null && m.find() && m.group(2) != null) {
      msg += " (column " + m.group(2).strip() + ")";
    }
    return msg;
  }

  private static Long lineOf(ServerErrorMessage sem) {
    if (sem == null || sem.getWhere() == null) {
      return null;
    }
    Matcher m = LINE.matcher(sem.getWhere());
    return m.find() ? Long.parseLong(m.group(1)) : null;
  }

  /** A record found by its line: its bytes' positions and its first line relative to a start. */
  private record Located(long start, long end, long lineRel, long linesAfter) {}

  /**
   * Finds the record the server means by "line {@code serverLine}" in a COPY stream that starts at
   * {@code from}, continuing the server's count in {@code lines} (for segments of several
   * pieces); null when the stream ends first (then {@code lines} has counted the piece).
   */
  private Located locate(Opened o, long from, long to, long serverLine, ServerLines lines,
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
  private final class ServerLines {
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

  // ---- skip bad rows within a budget ----

  /** Loads one piece under savepoints, rejecting bad rows; returns the records read. */
  private long loadWithRejects(Opened o) throws Exception {
    Savepoint sp = conn.setSavepoint();
    CopyIn in = copyManager.copyIn(copySql(o.columns));
    long[] counts;
    try {
      counts = stream(o, in, o.off, o.len - o.off);
      long n;
      try (var m = monitor.measure("copy")) {
        n = in.endCopy();
        m.count(n);
      }
      conn.releaseSavepoint(sp);
      rowsLoaded += n;
      return counts[0];
    } catch (SQLException e) {
      cancel(in);
      undo(sp);
      if (!isRowError(e)) {
        throw new ImportException("COPY into " + task.ledgerName() + " failed for " + o.piece
            + ": " + e.getMessage(), e);
      }
      loadRange(o, o.dataStart, o.end(), o.dataLine, e);
      return countRecords(o, o.dataStart, o.end());
    }
  }

  private long countRecords(Opened o, long from, long to) throws IOException {
    byte[] b = new byte[1 << 16];
    RecordScanner s = new RecordScanner(dialect);
    try (PieceReader r = PieceReader.open(o.piece, from, to, null)) {
      int n;
      while ((n = r.read(b, 0, b.length)) > 0) {
        s.scan(b, 0, n);
      }
    }
    s.finish();
    return s.records();
  }

  /** Reads the next buffer of the piece, measured as {@code read}; -1 at its end. */
  private int readNext(Opened o, byte[] buf) throws IOException {
    return readNext(o, buf, 0);
  }

  /** Reads the next bytes of the piece into {@code buf} from {@code at}; -1 at its end. */
  private int readNext(Opened o, byte[] buf, int at) throws IOException {
    if (o.reader.atLimit()) {
      return -1; // a tiny file read whole by its first read: no second read to measure
    }
    try (var m = monitor.measure("read")) {
      int len = o.reader.read(buf, at, buf.length - at);
      if (len > 0) {
        m.count(len);
      }
      return len;
    }
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
  private long copyRange(Opened o, long from, long to) throws SQLException, IOException {
    CopyIn in = copyManager.copyIn(copySql(o.columns));
    byte[] b = new byte[1 << 16];
    byte last = '\n';
    boolean any = false;
    try (PieceReader r = PieceReader.open(o.piece, from, to, null);
        var m = monitor.measure("copy")) {
      int n;
      while ((n = r.read(b, 0, b.length)) > 0) {
        in.writeToCopy(b, 0, n);
        last = b[n - 1];
        any = true;
      }
      if (any && last != '\n') {
        terminate(in, o, last);
      }
      long rows = in.endCopy();
      m.count(rows);
      return rows;
    } catch (SQLException | IOException | RuntimeException e) {
      cancel(in);
      throw e;
    }
  }

  /**
   * Loads [from, to) of a piece, rejecting bad rows: a failed COPY is rolled back to its
   * savepoint, the bad record is found from the error's line (or by bisection when the error has
   * none), the records before it are loaded, it is rejected, and loading goes on after it.
   */
  private void loadRange(Opened o, long from, long to, long firstLine, SQLException known)
      throws SQLException, IOException {
    long a = from;
    long line = firstLine;
    SQLException error = known;
    while (true) {
      if (error == null) {
        Savepoint sp = conn.setSavepoint();
        try {
          rowsLoaded += copyRange(o, a, to);
          conn.releaseSavepoint(sp);
          return;
        } catch (SQLException e) {
          undo(sp);
          if (!isRowError(e)) {
            throw e;
          }
          error = e;
        }
      }
      ServerErrorMessage sem = error instanceof PSQLException pe ? pe.getServerErrorMessage()
          : null;
      String reason = sem != null ? reason(sem) : error.getMessage();
      Long rel = lineOf(sem);
      if (rel != null) {
        Located r = locate(o, a, to, rel, new ServerLines(), true);
        if (r.start > a) {
          loadRange(o, a, r.start, line, null);
        }
        reject(o, r.start, r.end, line + r.lineRel - 1, reason);
        line += r.linesAfter;
        a = r.end;
        error = null;
        if (a >= to || r.end <= r.start) {
          return;
        }
      } else {
        long[] split = middle(o, a, to);
        if (split == null) {
          reject(o, a, to, line, reason); // one record left: all of it
          return;
        }
        loadRange(o, a, split[0], line, null);
        loadRange(o, split[0], to, line + split[1], null);
        return;
      }
    }
  }

  /** The boundary after half the records of [from, to) and the lines before it; null if < 2. */
  private long[] middle(Opened o, long from, long to) throws IOException {
    long total = countRecords(o, from, to);
    if (total < 2) {
      return null;
    }
    long half = total / 2;
    byte[] b = new byte[1 << 16];
    RecordScanner s = new RecordScanner(dialect);
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
            return new long[] {pos + end, s.newlines()};
          }
          i = end;
        }
        pos += n;
      }
    }
    return null;
  }

  /** Notes a bad record by its place: its bytes go from the input to the rejects file. */
  private void reject(Opened o, long from, long to, long line, String reason) {
    rejects.add(new TaskResult.Reject(o.piece.file(), line, reason, o.piece, from, to));
    if (rejects.size() > task.maxErrors()) {
      throw new BadInputException(ImportException.Kind.TOO_MANY_BAD_ROWS, o.piece.file(), line,
          reason + "; more than " + task.maxErrors() + " bad rows (the most allowed)");
    }
  }
}

package io.starmap.importer.internal;

import io.starmap.core.Monitor;
import io.starmap.importer.ImportException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * One attempt at loading a task's pieces in one transaction: binary ({@link BinaryCopy}) or text
 * ({@link TextCopy}) COPY, then the row accounting, the pieces' ledger rows and the commit. Holds
 * what the attempt's loaders share: the read buffer, the counts, the ledger entries, the rejects.
 */
final class TaskLoad {
  private static final int BUFFER = 1 << 20;
  /**
   * The most bytes read at a time from a piece read in parts (a big file's piece, a compressed
   * file, any piece of the loader that rejects bad rows), its first part included: a quarter of
   * the buffer. With parts as long as the buffer, the JIT compiled the encoder from a profile of
   * few part ends, in which some of the ways a part can end had not happened (a record cut at a
   * field's start, a field too near the end for a word, a number in the buffer's last 8 bytes);
   * each one that happened later threw the compiled encoder away and had it compiled again (three
   * or four times in each import of one 125 MB file; docs/benchmarks.md). Shorter parts give the profile
   * four times as many ends, and stop short of the buffer's last bytes unless a record cut by the
   * previous part is longer than three quarters of it. A first part without the header's end, or
   * without a line end after it, is read on ({@link OpenedPiece}).
   */
  static final int READ = BUFFER / 4;
  private static final ScratchArray BUFFERS = new ScratchArray(BUFFER);

  final CopyTask task;
  final Monitor monitor;
  final Connection conn;
  private final CopyManager copyManager;
  private CopyIn copy;
  final Dialect dialect;
  final Charset charset;
  final PendingHashes pending;
  final BadRowLocator locator;
  final byte[] buf = BUFFERS.take();
  final MessageDigest sharedDigest = Hashes.sha256();
  final RecordScanner sharedScanner;
  final List<String> tableColumnNames;
  final List<Piece> pieces;
  final List<TaskResult.Reject> rejects = new ArrayList<>();
  final List<Ledger.Entry> entries = new ArrayList<>();
  long rowsRead;
  long rowsLoaded;
  long bytes;
  /** The {@code read} measurement of the batch of small pieces being gathered, or null. */
  Monitor.Measurement gathering;
  /** Whether to try binary COPY. */
  boolean binary;
  /** Whether to write the ledger rows so that taken keys are found (after a taken key). */
  boolean exactLedger;
  /** Entries whose ledger key was taken; null when some was but which is not known yet. */
  Set<Integer> duplicates = Set.of();

  TaskLoad(CopyTask task, Monitor monitor, Connection conn, List<Piece> pieces,
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
    this.locator = new BadRowLocator(task);
  }

  /**
   * Loads, records the ledger rows and commits.
   *
   * @return what was committed, or null when a ledger key was taken (see {@link #duplicates})
   * @throws BinaryFallback when binary COPY cannot take the input
   */
  TaskResult load() throws Exception {
    if (binary) {
      new BinaryCopy(this).load();
      monitor.count("rows sent as binary", rowsLoaded);
    } else {
      new TextCopy(this).load();
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
    try (var m = monitor.measure("commit"); Statement st = conn.createStatement()) {
      // Safe for exactly-once: a commit lost in a server crash loses its ledger rows with it, so
      // the next run loads those pieces again; and the run's end waits for them all (DurableEnd).
      // For this transaction only: a session's setting would stay with a pooler's server
      // connection (in transaction mode), for its other clients' commits.
      st.execute("SET LOCAL synchronous_commit = off");
      conn.commit();
      m.count(rowsLoaded);
    }
    return new TaskResult(pieces.size(), bytes, rowsRead, rowsLoaded, List.copyOf(rejects), 0, 0);
  }

  /** Gives the read buffer back for this thread's next task; {@link #load} is not called again. */
  void release() {
    BUFFERS.give(buf);
  }

  /** Counts a piece as loaded (its records, bytes and ledger entry). */
  void loaded(OpenedPiece o, long read, long rejected) throws IOException, InterruptedException {
    Piece p = o.piece;
    rowsRead += read;
    bytes += p.length();
    entries.add(new Ledger.Entry(o.hash(), p.file(), p.fileSize(), p.start(), p.end(), read,
        rejected));
  }

  /** The text COPY statement for these columns ({@code ""}: a skipped field, not named). */
  String copySql(List<String> columns) {
    return Sql.copy(task.table(), loadedColumns(columns), dialect.copyOptions());
  }

  /** The columns a COPY names: a field's column, without the fields that are skipped. */
  static List<String> loadedColumns(List<String> fields) {
    return fields.stream().filter(c -> !c.isEmpty()).toList();
  }

  /**
   * Starts a text COPY of records whose fields go to {@code columns} in order; when some are
   * skipped ({@code ""}), their bytes are dropped on the way ({@link SkippingCopyIn}).
   */
  CopyIn textCopyIn(List<String> columns) throws SQLException {
    CopyIn in = copyIn(copySql(columns));
    return SkippingCopyIn.needed(columns) ? new SkippingCopyIn(in, columns, dialect) : in;
  }

  /** Ends the measurement of a batch of small pieces being gathered, if one is open. */
  void gathered() {
    if (gathering != null) {
      gathering.close();
      gathering = null;
    }
  }

  /** Starts a COPY on the attempt's connection; {@link #cancelCopy} ends it if still open. */
  CopyIn copyIn(String sql) throws SQLException {
    copy = copyManager.copyIn(sql);
    return copy;
  }

  /**
   * Cancels the COPY still in progress, if any: after a failure that is not the server's (a file
   * that cannot be read or decompressed), the connection's COPY would otherwise still be open,
   * and the rollback that follows would wait for it forever.
   */
  void cancelCopy() {
    if (copy != null) {
      TextCopy.cancel(copy);
    }
  }

  /** Reads the next buffer of the piece, measured as {@code read}; -1 at its end. */
  int readNext(OpenedPiece o, byte[] into) throws IOException {
    return readNext(o, into, 0);
  }

  /** Reads the next bytes of the piece into {@code into} from {@code at}; -1 at its end. */
  int readNext(OpenedPiece o, byte[] into, int at) throws IOException {
    if (o.reader.atLimit()) {
      return -1; // a tiny file read whole by its first read: no second read to measure
    }
    try (var m = monitor.measure("read")) {
      int len = o.reader.read(into, at, Math.min(into.length - at, READ));
      if (len > 0) {
        m.count(len);
      }
      return len;
    }
  }
}

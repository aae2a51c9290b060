package io.starmap.importer;

import io.starmap.importer.internal.ConnectionPool;
import io.starmap.importer.internal.CopyTask;
import io.starmap.importer.internal.Dialect;
import io.starmap.importer.internal.Headers;
import io.starmap.importer.internal.InputFile;
import io.starmap.importer.internal.Ledger;
import io.starmap.importer.internal.Piece;
import io.starmap.importer.internal.Sample;
import io.starmap.importer.internal.Sql;
import io.starmap.importer.internal.StdinSplit;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Standard input ({@code -} among the paths) as one more input of an {@link ImportRun}: cut into
 * pieces while it is read ({@link StdinSplit}), its first piece shown to the header decision,
 * each piece asked of the ledger before it is handed out, and its files deleted as their tasks
 * end.
 *
 * <p>Pieces are spooled to files on this machine, which the executors of this JVM and worker
 * processes read; other executors ({@code cluster}) run tasks on other machines, which could not
 * read them, and are refused. Sending each piece's bytes inside its task instead would put up to a
 * task's megabytes through every call, and a lost member's re-run would need them kept until then.
 */
final class StdinInput implements AutoCloseable {
  /** How standard input is named among the paths. */
  static final String PATH = ImportOptions.STANDARD_INPUT;
  /**
   * The most bytes per piece. A re-run finds the same pieces only with the same size, so the
   * size does not follow the task size above it (a re-run with another larger task size still
   * skips what was loaded); 8 MB keeps a few pieces per worker in flight on small inputs.
   */
  static final long MAX_PIECE = 8L << 20;
  private static final Set<String> THIS_MACHINE = Set.of("no", "threads", "virtual",
      "processes");

  private final InputStream in;
  private final boolean firstInput;
  private final long pieceBytes;
  private final Charset charset;
  /** The first bytes, read for the sample before the dialect is known, or null. */
  private byte[] head;
  private Dialect dialect;
  private StdinSplit split;
  private InputFile first;
  private Connection ledger;

  private StdinInput(InputStream in, boolean firstInput, long pieceBytes, Charset charset) {
    this.in = in;
    this.firstInput = firstInput;
    this.pieceBytes = pieceBytes;
    this.charset = charset;
  }

  /**
   * Standard input, when {@code paths} name it, else null.
   *
   * @throws ImportException when it is named more than once, or the executor runs tasks on
   *     other machines
   */
  static StdinInput of(List<String> paths, String executor, InputStream in, Charset charset,
      long taskBytes) {
    long named = paths.stream().filter(PATH::equals).count();
    if (named == 0) {
      return null;
    }
    if (named > 1) {
      throw new ImportException("standard input (" + PATH + ") is named " + named + " times"
          + " among the inputs: it can be read only once");
    }
    if (!THIS_MACHINE.contains(executor)) {
      throw new ImportException("standard input cannot be loaded with the " + executor
          + " executor: its pieces are kept in files on this machine, which other machines"
          + " cannot read; save it to a file that every member can read, and import that");
    }
    long pieceBytes = Math.min(taskBytes, MAX_PIECE);
    return new StdinInput(in, paths.get(0).equals(PATH), pieceBytes, charset);
  }

  /**
   * The first bytes of standard input as a chunk of the sample that the dialect and the
   * inferred columns are worked out from; they are read again by the pieces, in order.
   */
  Sample.Chunk sample() throws IOException {
    head = in.readNBytes(Sample.BYTES_PER_FILE);
    boolean whole = head.length < Sample.BYTES_PER_FILE;
    return Sample.chunk(StdinSplit.NAME, head, head.length, whole, charset.equals(UTF_8));
  }

  /** Starts cutting with the dialect worked out, the sample's bytes first. */
  void open(Dialect d) {
    this.dialect = d;
    InputStream all = head == null ? in
        : new SequenceInputStream(new ByteArrayInputStream(head), in);
    this.split = new StdinSplit(all, d, pieceBytes);
  }

  /** Whether standard input is the first of the inputs named. */
  boolean isFirstInput() {
    return firstInput;
  }

  /** The paths other than standard input. */
  static List<String> files(List<String> paths) {
    return paths.stream().filter(p -> !p.equals(PATH)).toList();
  }

  /**
   * The files for the header decision: {@code files} with the first piece of standard input
   * first or last, as {@code -} was named first or not; reads that piece.
   */
  List<InputFile> withFirstPiece(List<InputFile> files) {
    List<InputFile> out = new ArrayList<>(files);
    if (first == null) { // asked again (the header under a column list): the same piece
      first = split.first();
    }
    out.add(firstInput ? 0 : out.size(), first);
    return out;
  }

  /**
   * Starts reading the rest, each piece asked of the ledger (when it has rows for the table)
   * before it is handed out; with {@code force}, its ledger row is deleted instead. The header,
   * when there is one, is mapped to the table's columns only with {@code mapHeader} (without a
   * column list); else it is only skipped.
   *
   * @throws SQLException when the ledger cannot be reached
   * @throws IOException when the first piece cannot be read again for its header
   */
  void start(PgTarget target, Sql.TableInfo table, boolean ledgerHasRows, boolean force,
      boolean header, boolean mapHeader, Consumer<String> messages)
      throws SQLException, IOException {
    List<String> cols = null;
    if (header && mapHeader) {
      List<String> names = Headers.firstRecord(first, dialect, charset);
      cols = names == null ? null
          : Headers.map(names, table.columns(), table.name(), StdinSplit.NAME);
    }
    String ledgerKey = table.ledgerKey();
    if (ledgerHasRows) {
      ledger = target.connect();
      ledger.setAutoCommit(true);
      ConnectionPool.untimed(ledger); // idle while standard input is slow to give the next piece
    }
    long records = split.recordsIfAllRead();
    if (records == 0) {
      messages.accept(StdinSplit.NAME + " is empty: no rows to load from it");
    } else if (records == 1 && header) {
      messages.accept(StdinSplit.NAME + " holds only its header: no rows to load from it");
    } else {
      messages.accept(StdinSplit.NAME + ": cut while it is read, into pieces of about "
          + (pieceBytes >> 20) + " MB");
    }
    split.start(header, cols, p -> ledger == null ? null : loaded(ledgerKey, force, p));
  }

  private Ledger.Range loaded(String ledgerKey, boolean force, Piece p) {
    try {
      return ledgerRange(ledgerKey, force, p);
    } catch (SQLException e) {
      throw new ImportException("cannot ask the ledger of " + ledgerKey + " about the piece of "
          + StdinSplit.NAME + " from line " + p.firstLine() + ": " + e.getMessage(), e);
    }
  }

  private Ledger.Range ledgerRange(String ledgerKey, boolean force, Piece p)
      throws SQLException {
    if (force) {
      Ledger.forget(ledger, ledgerKey, List.of(p.hash()));
      return null;
    }
    List<Ledger.Range> ranges = Ledger.loaded(ledger, ledgerKey, List.of(p.hash()))
        .getOrDefault(p.hash(), List.of());
    return ranges.stream().filter(r -> r.start() == p.start() && r.end() == p.end())
        .findFirst().orElse(null);
  }

  /** The pieces, one per task, as they are cut. */
  Iterator<Piece> pieces() {
    return split;
  }

  /** A task of this run has ended: the files of its pieces of standard input go. */
  void done(CopyTask task) {
    split.done(task.pieces());
  }

  /** Adds what the ledger already held to the run's totals, and says so. */
  void addSkipped(ImportLoad.Totals t, Consumer<String> messages) {
    if (split.piecesSkipped() > 0) {
      messages.accept(split.piecesSkipped() + " pieces (" + split.rowsSkipped() + " rows)"
          + " already loaded from " + StdinSplit.NAME);
    }
    t.piecesSkipped += split.piecesSkipped();
    t.rowsSkipped += split.rowsSkipped();
    t.bytesSkipped += split.bytesSkipped();
  }

  /** Stops reading and deletes the pieces' files; closes the ledger's connection. */
  @Override
  public void close() {
    if (split != null) {
      split.close();
    }
    if (ledger != null) {
      try {
        ledger.close();
      } catch (SQLException e) {
        // nothing was pending on it
      }
    }
  }
}

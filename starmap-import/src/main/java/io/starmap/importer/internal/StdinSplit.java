package io.starmap.importer.internal;

import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.importer.ImportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Standard input cut into pieces as it is read: each piece ends at the first record boundary
 * (quote-aware, {@link RecordScanner}) after a fixed number of bytes, so the same bytes give the
 * same pieces whatever the timing, and each piece's key in the ledger (the SHA-256 of its offset
 * in the stream and its bytes) is found again by a re-run of the same pipeline.
 *
 * <p>Each piece is spooled to an owner-only file of its own, which tasks read like any other
 * file, in this JVM or in a worker process on this machine; {@link #done} deletes it once its
 * task has ended, {@link #close} deletes whatever is left. A reader thread cuts the next piece
 * while the others load and hands it over only when a task is taken, so at most one piece waits
 * beside those the run has in flight.
 */
public final class StdinSplit implements Iterator<Piece>, AutoCloseable {
  /** The name of standard input in messages, errors, the rejects file and the ledger. */
  public static final String NAME = "standard input";
  private static final Object END = new Object();
  private static final String PREFIX = "starmap-stdin-";

  /** Tells whether the ledger holds a piece already (then it is skipped, not handed out). */
  public interface Loaded {
    /**
     * The ledger's range of {@code p}, or null to load it.
     *
     * @throws Exception when the ledger cannot be asked
     */
    Ledger.Range of(Piece p) throws Exception;
  }

  /** A piece as spooled, before the header decision gives it its columns. */
  private record Spooled(Path file, int index, long start, long length, long line, String hash) {}

  private final InputStream in;
  private final long pieceBytes;
  private final Path dir;
  private final RecordScanner scanner;
  private final SynchronousQueue<Object> handoff = new SynchronousQueue<>();
  private final byte[] b = new byte[1 << 20];
  private int bi;
  private int bn;
  private boolean eof;
  private long pos;
  private int index;
  private Spooled first;
  private volatile boolean closed;
  /** Deletes the pieces when Ctrl-C or SIGTERM ends the JVM before {@link #close}. */
  private final Thread deleteAtExit = new Thread(this::stopAndDelete, "starmap-stdin-delete");
  private volatile Thread reader;
  private Object head;
  private boolean header;
  private List<String> columns;
  // written by the reader thread only; read after the iterator has ended (or the run stopped)
  private volatile int piecesSkipped;
  private volatile long rowsSkipped;
  private volatile long bytesSkipped;

  /**
   * A split of {@code in} into pieces of about {@code pieceBytes} (more when a record is longer),
   * spooled in a new owner-only directory.
   *
   * @throws ImportException when the directory cannot be made
   */
  public StdinSplit(InputStream in, Dialect dialect, long pieceBytes) {
    this.in = in;
    this.pieceBytes = pieceBytes;
    this.scanner = new RecordScanner(dialect);
    try {
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      deleteOrphans(tmp);
      this.dir = Files.createTempDirectory(tmp, PREFIX + ProcessHandle.current().pid() + "-",
          OwnerOnly.directoryAttributes());
    } catch (IOException e) {
      throw new ImportException("cannot make a temporary directory for " + NAME + ": "
          + e.getMessage(), e);
    }
    try {
      Runtime.getRuntime().addShutdownHook(deleteAtExit);
    } catch (IllegalStateException e) {
      stopAndDelete();
      throw new ImportException("not reading " + NAME + ": the process is ending", e);
    }
  }

  /**
   * Reads the first piece (blocking until it is read or the input ends), for the header
   * decision: the file that holds it, empty when the input is.
   *
   * @throws ImportException when standard input cannot be read
   */
  public InputFile first() {
    try {
      first = cut();
    } catch (IOException e) {
      throw new ImportException("cannot read " + NAME + ": " + e.getMessage(), e);
    }
    return new InputFile(NAME, first.file(), first.length(), Compression.NONE);
  }

  /**
   * The records of the whole input when the first piece is all of it (read by {@link #first}),
   * else -1.
   */
  public long recordsIfAllRead() {
    if (!eof || bi < bn) {
      return -1;
    }
    return scanner.records() + (scanner.pending() ? 1 : 0);
  }

  /**
   * Starts cutting the rest in the background; call after {@link #first}.
   *
   * @param header whether the first record of the input is a header, to be skipped
   * @param columns the columns of every piece but the first (whose header names them), or null
   *     for the table's
   * @param loaded what the ledger holds
   */
  public void start(boolean header, List<String> columns, Loaded loaded) {
    this.header = header;
    this.columns = columns;
    reader = new Thread(() -> run(loaded), "starmap-import-stdin");
    reader.setDaemon(true);
    reader.start();
  }

  private void run(Loaded loaded) {
    Object last = END;
    try {
      for (Spooled s = first; s != null && !closed; s = cut()) {
        if (s.length() == 0) {
          Files.deleteIfExists(s.file()); // empty input: nothing to load, no ledger row
          continue;
        }
        Piece p = piece(s);
        Ledger.Range r = loaded.of(p);
        if (r != null) {
          piecesSkipped++;
          rowsSkipped += r.rowsRead();
          bytesSkipped += s.length();
          Files.deleteIfExists(s.file());
        } else {
          handoff.put(p);
        }
      }
    } catch (InterruptedException e) {
      return; // closed: nobody takes what is left
    } catch (Exception e) {
      last = e;
    }
    try {
      handoff.put(last);
    } catch (InterruptedException e) {
      // closed meanwhile
    }
  }

  /** Pieces skipped because the ledger holds them; final once the iterator has ended. */
  public int piecesSkipped() {
    return piecesSkipped;
  }

  /** Rows of the skipped pieces. */
  public long rowsSkipped() {
    return rowsSkipped;
  }

  /** Bytes of the skipped pieces. */
  public long bytesSkipped() {
    return bytesSkipped;
  }

  /**
   * Cuts the next piece into its own file.
   *
   * @return the piece, or null at the end of the input (the first piece is returned even when
   *     empty, for the header decision)
   */
  private Spooled cut() throws IOException {
    int k = index++;
    // Pieces after the first start one byte into their file: a piece that starts at offset 0
    // is taken as the start of an input, whose byte order mark and header are skipped.
    int pad = k == 0 ? 0 : 1;
    Path file = dir.resolve("piece-" + k);
    long start = pos;
    long line = 1 + scanner.newlines();
    MessageDigest d = Hashes.sha256();
    for (int i = 56; i >= 0; i -= 8) {
      d.update((byte) (start >>> i));
    }
    try (OutputStream out = OwnerOnly.newOutputStream(file)) {
      if (pad > 0) {
        out.write('\n');
      }
      long cutAt = start + pieceBytes;
      while (bi < bn || refill()) {
        if (closed) {
          throw new IOException("stopped reading " + NAME + ": the process is ending");
        }
        if (pos < cutAt) {
          int stop = (int) Math.min(bn, bi + (cutAt - pos));
          scanner.scan(b, bi, stop);
          emit(out, d, stop);
          continue;
        }
        int e = scanner.nextRecordEnd(b, bi, bn);
        emit(out, d, e < 0 ? bn : e);
        if (e >= 0) {
          break;
        }
      }
    }
    long length = pos - start;
    if (length == 0 && k > 0) {
      Files.deleteIfExists(file);
      return null;
    }
    return new Spooled(file, k, pad, length, line, Hashes.hex(d));
  }

  private void emit(OutputStream out, MessageDigest d, int to) throws IOException {
    out.write(b, bi, to - bi);
    d.update(b, bi, to - bi);
    pos += to - bi;
    bi = to;
  }

  private boolean refill() throws IOException {
    if (eof) {
      return false;
    }
    int n = in.read(b, 0, b.length);
    if (n < 0) {
      eof = true;
      return false;
    }
    bi = 0;
    bn = n;
    return true;
  }

  private Piece piece(Spooled s) {
    boolean isFirst = s.index() == 0;
    long end = s.start() + s.length();
    return new Piece(NAME, s.file().toString(), end, s.hash(), s.start(), end, s.line(),
        Compression.NONE, isFirst && header, isFirst ? null : columns);
  }

  @Override
  public boolean hasNext() {
    if (head == null) {
      try {
        // Polled: the exit's hook stops the reader without a last hand-over (Ctrl-C while the
        // input still flows), and this thread must then fail, not wait for ever.
        while ((head = handoff.poll(100, TimeUnit.MILLISECONDS)) == null) {
          if (closed) {
            throw new ImportException("stopped reading " + NAME + ": the process is ending",
                null);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ImportException("interrupted while reading " + NAME, e);
      }
    }
    if (head instanceof Throwable t) {
      throw t instanceof ImportException ie ? ie
          : new ImportException("cannot read " + NAME + ": " + t.getMessage(), t);
    }
    return head != END;
  }

  @Override
  public Piece next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more pieces of " + NAME);
    }
    Piece p = (Piece) head;
    head = null;
    return p;
  }

  /** Deletes the files of pieces whose task has ended (committed, failed or not started). */
  public void done(List<Piece> pieces) {
    for (Piece p : pieces) {
      if (p.file().equals(NAME) && Path.of(p.path()).startsWith(dir)) {
        try {
          Files.deleteIfExists(Path.of(p.path()));
        } catch (IOException e) {
          // close() tries again
        }
      }
    }
  }

  /**
   * Deletes the pieces left by imports that were killed ({@code kill -9} leaves no chance to
   * clean up): directories whose name holds the id of a process that no longer runs.
   */
  private static void deleteOrphans(Path tmp) {
    try (Stream<Path> dirs = Files.list(tmp)) {
      for (Path d : dirs.toList()) {
        String name = d.getFileName().toString();
        int dash = name.indexOf('-', PREFIX.length());
        if (name.startsWith(PREFIX) && dash > 0 && Files.isDirectory(d)
            && ProcessHandle.of(parsePid(name.substring(PREFIX.length(), dash))).isEmpty()) {
          deleteTree(d);
        }
      }
    } catch (IOException | RuntimeException e) {
      // another user's directory, or one going away meanwhile: left as it is
    }
  }

  private static long parsePid(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return ProcessHandle.current().pid(); // not ours to judge: kept
    }
  }

  private static void deleteTree(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(d);
  }

  /** Stops reading and deletes every piece's file and the directory. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(deleteAtExit);
    } catch (IllegalStateException e) {
      // the process is ending: the hook deletes them too, whichever comes first
    }
    stopAndDelete();
  }

  private void stopAndDelete() {
    closed = true;
    Thread r = reader;
    if (r != null) {
      r.interrupt();
    }
    try {
      deleteTree(dir);
    } catch (IOException e) {
      // a piece being written as the reader stops: once it has stopped, once more
      try {
        if (r != null) {
          r.join(1000);
        }
        deleteTree(dir);
      } catch (IOException again) {
        // left to the next import from standard input, as after a kill -9
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

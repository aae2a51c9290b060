package io.starmap.importer.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * Reads the bytes of a piece from a position: file offsets for plain files, offsets in the
 * decompressed stream for compressed files (which are read whole). Optionally digests every raw byte of
 * the file (only when reading a whole file from its start).
 *
 * <p>Plain files are read with a {@link RandomAccessFile}: opening one is a single native call,
 * where {@code FileChannel.open} goes through the file system provider's option parsing and
 * channel set-up, which costs microseconds (and JIT compilation) per file when an import has tens
 * of thousands of tiny files.
 */
final class PieceReader implements Closeable {
  private final RandomAccessFile file;
  private final InputStream decompressed;
  private final DigestInputStream digestStream;
  private final MessageDigest digest;
  private final long limit;
  private long position;
  /**
   * Whether the last read from the file asked for one byte past the piece's end (a file digested
   * whole) and got less: the file ended there, and {@link #drainDigest} need not ask for its size.
   */
  private boolean sawEnd;

  private PieceReader(RandomAccessFile file, InputStream decompressed, DigestInputStream ds,
      MessageDigest digest, long position, long limit) {
    this.file = file;
    this.decompressed = decompressed;
    this.digestStream = ds;
    this.digest = digest;
    this.position = position;
    this.limit = limit;
  }

  /**
   * Opens {@code piece} at {@code from} (a record boundary) to read up to {@code to}.
   *
   * @param digest digests the raw file, or null; only valid with {@code from == 0}
   */
  static PieceReader open(Piece piece, long from, long to, MessageDigest digest)
      throws IOException {
    if (!piece.compressed()) {
      RandomAccessFile f = new RandomAccessFile(piece.path(), "r");
      if (from > 0) {
        try {
          f.seek(from);
        } catch (IOException | RuntimeException e) {
          f.close();
          throw e;
        }
      }
      return new PieceReader(f, null, null, digest, from, to);
    }
    InputStream raw = Files.newInputStream(Path.of(piece.path()));
    DigestInputStream ds = null;
    if (digest != null) {
      ds = new DigestInputStream(raw, digest);
      raw = ds;
    }
    InputStream in = piece.compression().open(raw, piece.file());
    long skipped = 0;
    while (skipped < from) {
      long s = in.skip(from - skipped);
      if (s <= 0) {
        if (in.read() < 0) {
          break;
        }
        s = 1;
      }
      skipped += s;
    }
    return new PieceReader(null, in, ds, digest, from, to);
  }

  /**
   * Reads up to {@code len} bytes; -1 at the end of the piece. May write one byte past those it
   * returns, within {@code b[off, off + len)} (the read that reaches a whole file's end asks for
   * one more, to see the file's end).
   */
  int read(byte[] b, int off, int len) throws IOException {
    long left = limit - position;
    if (left <= 0) {
      return -1;
    }
    int want = (int) Math.min(len, left);
    int n;
    if (file != null) {
      // Digesting the whole file, the read that reaches the piece's end asks for one byte more
      // when there is room: a regular file returns less only at its end, so the file's size
      // needs no system call of its own (one per file, of 52,200 tiny ones).
      boolean probe = digest != null && want == left && want < len;
      n = file.read(b, off, probe ? want + 1 : want);
      if (n > 0 && digest != null) {
        digest.update(b, off, n);
      }
      // set by every read: only the last one tells where the file ends (not an early short read
      // of a file shorter than planned that grew afterwards); -1 is a short read too
      sawEnd = probe && n <= want;
      if (n > want) {
        n = want; // the file goes on past the piece (it grew): drainDigest reads the rest
      }
    } else {
      n = decompressed.read(b, off, want);
    }
    if (n > 0) {
      position += n;
    }
    return n;
  }

  /** Reads until {@code b} is full or the piece ends; returns the bytes read (0 at the end). */
  int fill(byte[] b, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int n = read(b, off + total, len - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  /** The current position. */
  long position() {
    return position;
  }

  /** True when the piece's last byte has been read (plain files; compressed ends are found by reading). */
  boolean atLimit() {
    return position >= limit;
  }

  /** Reads whatever raw bytes are left so the digest covers the whole file. */
  void drainDigest() throws IOException {
    if (file != null && (digest == null || sawEnd || position >= file.length())) {
      return; // read to the end already: nothing left to digest
    }
    byte[] b = new byte[1 << 16];
    if (digestStream != null) {
      while (digestStream.read(b) >= 0) {
        // digesting
      }
    } else if (file != null && digest != null) {
      while (true) {
        int n = file.read(b, 0, b.length);
        if (n < 0) {
          break;
        }
        digest.update(b, 0, n);
      }
    }
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      file.close();
    }
    if (decompressed != null) {
      decompressed.close();
    }
  }
}

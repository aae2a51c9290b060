package io.starmap.importer.internal;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import io.starmap.importer.ImportException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * How an input file is compressed, told by its name's suffix and checked against its first bytes.
 * A compressed file is read whole by one task (a compressed stream cannot be entered in the
 * middle), through the decoder of its format.
 */
public enum Compression {
  /** Not compressed: read as it is, and cut into byte ranges when big. */
  NONE("", ""),
  /** gzip ({@code .gz}), several members one after the other included. */
  GZIP(".gz", "1f8b"),
  /** Zstandard ({@code .zst}), several frames included. */
  ZSTD(".zst", "28b52ffd"),
  /** bzip2 ({@code .bz2}), several streams one after the other included (as pbzip2 writes). */
  BZIP2(".bz2", "425a68"),
  /** xz ({@code .xz}), several streams included. */
  XZ(".xz", "fd377a585a00");

  private static final int BUFFER = 1 << 16;
  /** The first bytes looked at: the longest magic number (xz's), and shown when none fits. */
  private static final int HEAD = 6;
  private final String suffix;
  private final byte[] magic;

  Compression(String suffix, String magic) {
    this.suffix = suffix;
    this.magic = HexFormat.of().parseHex(magic);
  }

  /** The compression a file's name says (its suffix, in any case); {@link #NONE} for others. */
  public static Compression of(String fileName) {
    for (Compression c : ALL) {
      if (c != NONE && endsWithLowered(fileName, c.suffix)) {
        return c;
      }
    }
    return NONE;
  }

  private static final Compression[] ALL = values();

  /**
   * Whether {@code name} lowered ends with {@code suffix} (lower case ASCII), without lowering
   * the whole name: a listing asks it for each of its files.
   */
  private static boolean endsWithLowered(String name, String suffix) {
    int off = name.length() - suffix.length();
    if (off < 0) {
      return false;
    }
    for (int i = 0; i < suffix.length(); i++) {
      if (Character.toLowerCase(name.charAt(off + i)) != suffix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the file is compressed, and so read whole by one task. */
  public boolean compressed() {
    return this != NONE;
  }

  /** The format's name in messages: {@code zstd}, {@code gzip}... */
  String formatName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The decompressed content of {@code raw}, the bytes of file {@code file}. The first bytes must
   * be this format's magic number, else the file is refused naming what its name says and what
   * it holds; a read of data the decoder refuses (corrupt or cut short) throws an {@link
   * ImportException} naming the file.
   *
   * @param raw the file's bytes from its start; closed with the returned stream
   * @param file the file's name for messages
   */
  InputStream open(InputStream raw, String file) throws IOException {
    Counted counted = new Counted(new BufferedInputStream(raw, BUFFER));
    try {
      checkMagic(counted, file);
      InputStream decoder;
      try {
        decoder = decoder(counted); // gzip, bzip2 and xz read their stream's header here
      } catch (IOException | RuntimeException e) {
        throw failure(e, counted, file, 0);
      }
      return new Decompressed(decoder, counted, file, this);
    } catch (IOException | RuntimeException | Error e) {
      counted.close();
      throw e;
    }
  }

  private InputStream decoder(InputStream in) throws IOException {
    return switch (this) {
      case GZIP -> new GZIPInputStream(in, BUFFER);
      case ZSTD -> zstd(in);
      case BZIP2 -> new BZip2CompressorInputStream(in, true);
      case XZ -> new XZInputStream(in);
      case NONE -> in;
    };
  }

  /** zstd-jni's decoder; its native library loads on first use, from the jar. */
  private static InputStream zstd(InputStream in) throws IOException {
    try {
      return new ZstdInputStreamNoFinalizer(in);
    } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
      throw new ImportException("cannot load the zstd decoder's native library (zstd-jni) on "
          + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ": "
          + e.getMessage(), e);
    }
  }

  private void checkMagic(InputStream in, String file) throws IOException {
    in.mark(HEAD);
    byte[] head = in.readNBytes(HEAD);
    in.reset();
    if (head.length >= magic.length && Arrays.equals(head, 0, magic.length, magic, 0,
        magic.length)) {
      return;
    }
    Compression seen = NONE;
    for (Compression c : values()) {
      if (c != NONE && head.length >= c.magic.length
          && Arrays.equals(head, 0, c.magic.length, c.magic, 0, c.magic.length)) {
        seen = c;
      }
    }
    String holds = head.length == 0 ? "it is empty"
        : seen != NONE ? "it holds " + seen.formatName() + " data"
        : "its first bytes are " + HexFormat.ofDelimiter(" ").formatHex(head);
    throw new ImportException(file + ": not " + formatName() + " data, as its name (" + suffix
        + ") says: " + holds);
  }

  /**
   * A decoder's failure as an import failure naming the file: truncated when the decoder had read
   * to the end of the file, else corrupt, with how far it got and the decoder's own reason.
   */
  private ImportException failure(Exception e, Counted raw, String file, long out) {
    if (e instanceof ImportException ie) {
      return ie;
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String what = raw.ended
        ? "truncated " + formatName() + " data: the file ends after " + raw.bytes
            + " bytes, inside a compressed block"
        : "corrupt " + formatName() + " data near byte " + raw.bytes + " of the file";
    return new ImportException(file + ": " + what + " (" + out + " bytes decompressed): "
        + reason, e);
  }

  /** Counts the compressed bytes read, and notes the end of the file. */
  private static final class Counted extends FilterInputStream {
    long bytes;
    boolean ended;
    private long marked;

    Counted(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b < 0) {
        ended = true;
      } else {
        bytes++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n < 0) {
        ended = true;
      } else {
        bytes += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = in.skip(n);
      bytes += s;
      return s;
    }

    @Override
    public synchronized void mark(int limit) {
      in.mark(limit);
      marked = bytes;
    }

    @Override
    public synchronized void reset() throws IOException {
      in.reset();
      bytes = marked;
      ended = false;
    }
  }

  /**
   * A decoder's output; a decoder's failure becomes an {@link ImportException} naming the file,
   * the format, how far it got and the decoder's reason.
   */
  private static final class Decompressed extends FilterInputStream {
    private final Counted raw;
    private final String file;
    private final Compression format;
    private long out;

    Decompressed(InputStream decoder, Counted raw, String file, Compression format) {
      super(decoder);
      this.raw = raw;
      this.file = file;
      this.format = format;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          out += n;
        }
        return n;
      } catch (IOException | RuntimeException e) {
        throw format.failure(e, raw, file, out);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        long s = in.skip(n);
        out += Math.max(0, s);
        return s;
      } catch (IOException | RuntimeException e) {
        throw format.failure(e, raw, file, out);
      }
    }
  }
}

package io.starmap.importer.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The first bytes of a few input files, from which the dialect is sniffed and the column types
 * inferred: the first {@value #BYTES_PER_FILE} bytes (after decompression) of at most {@value
 * #MAX_FILES} files spread over the input (the first, the last and evenly spaced ones between),
 * each whole when it is smaller. A source that is not a file (standard input) gives its first
 * bytes as a {@link Chunk} of its own.
 *
 * @param chunks the bytes read, one chunk per file sampled, in input order; not empty
 * @param files how many non-empty files the input has
 */
public record Sample(List<Chunk> chunks, int files) {
  /** The most bytes read from one file. */
  public static final int BYTES_PER_FILE = 1 << 20;

  /** The most files read. */
  public static final int MAX_FILES = 8;

  /**
   * The first bytes of one input.
   *
   * @param file the input's name, as messages show it
   * @param bytes the bytes, after a UTF-8 byte order mark
   * @param whole whether {@code bytes} is the whole input (else its last record may be cut)
   */
  public record Chunk(String file, byte[] bytes, boolean whole) {}

  /** The sample of the non-empty files among {@code files}; null when all are empty. */
  public static Sample of(List<InputFile> files, boolean utf8) throws IOException {
    List<InputFile> nonEmpty = files.stream().filter(f -> f.size() > 0).toList();
    List<Chunk> chunks = new ArrayList<>();
    for (InputFile f : spread(nonEmpty, MAX_FILES)) {
      chunks.add(head(f, BYTES_PER_FILE, utf8));
    }
    return chunks.isEmpty() ? null : new Sample(List.copyOf(chunks), nonEmpty.size());
  }

  /** At most {@code n} of {@code files}: the first, the last and evenly spaced ones between. */
  static List<InputFile> spread(List<InputFile> files, int n) {
    if (files.size() <= n) {
      return files;
    }
    List<InputFile> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(files.get((int) ((long) i * (files.size() - 1) / (n - 1))));
    }
    return out;
  }

  /**
   * The first {@code max} bytes of a file, read (and decompressed) the way pieces are, without a
   * UTF-8 byte order mark.
   */
  public static Chunk head(InputFile f, int max, boolean utf8) throws IOException {
    Piece whole = new Piece(f.name(), f.path().toString(), f.size(), "", 0, f.size(), 1,
        f.compression(), false, null);
    // A file shorter than max needs no more: the sample reads up to 8 files, and for files of
    // 240 KB a 1 MB array each was 8 MB of new memory, then a copy of what was read
    byte[] b = new byte[f.compressed() ? max : (int) Math.min(max, f.size())];
    int n;
    boolean more;
    try (PieceReader r = PieceReader.open(whole, 0, f.compressed() ? Long.MAX_VALUE : f.size(),
        null)) {
      n = r.fill(b, 0, b.length);
      more = n == b.length && (f.compressed() ? r.read(new byte[1], 0, 1) > 0 : !r.atLimit());
    }
    // b is this method's own: a chunk of all of it takes it as it is
    return n == b.length && bomLength(b, n, utf8) == 0 ? new Chunk(f.name(), b, !more)
        : chunk(f.name(), b, n, !more, utf8);
  }

  /** The chunk of {@code b[0, n)}, without a UTF-8 byte order mark. */
  public static Chunk chunk(String name, byte[] b, int n, boolean whole, boolean utf8) {
    return new Chunk(name, Arrays.copyOfRange(b, bomLength(b, n, utf8), n), whole);
  }

  private static int bomLength(byte[] b, int n, boolean utf8) {
    return utf8 && n >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB
        && (b[2] & 0xff) == 0xBF ? 3 : 0;
  }

  /** This sample with one more chunk, first or last, counting one more input. */
  public Sample with(Chunk c, boolean first) {
    List<Chunk> more = new ArrayList<>(chunks);
    more.add(first ? 0 : more.size(), c);
    return new Sample(List.copyOf(more), files + 1);
  }

  /** The bytes sampled, in all. */
  public long bytes() {
    return chunks.stream().mapToLong(c -> c.bytes().length).sum();
  }
}

package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A plain file read whole, with its digest: whatever its size now against the size the plan saw
 * (the same, grown, shrunk, or growing while it is read) and however the load reads it, the reader
 * returns the planned bytes that are there, never one more, and the digest covers every byte of
 * the file.
 */
class PieceReaderProperties {
  private static Path dir;

  @BeforeContainer
  static void makeDir() throws IOException {
    dir = Files.createTempDirectory("piece-reader");
  }

  @AfterContainer
  static void removeDir() throws IOException {
    try (var files = Files.list(dir)) {
      files.forEach(f -> {
        try {
          Files.delete(f);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    Files.delete(dir);
  }

  /** A file of {@code sizeNow} random bytes, planned as a whole file of {@code plannedSize}. */
  private record Planned(byte[] content, Piece piece) {
    static Planned of(int sizeNow, int plannedSize, long seed) throws IOException {
      byte[] content = new byte[sizeNow];
      new Random(seed).nextBytes(content);
      Path file = Files.write(Files.createTempFile(dir, "piece", ".csv"), content);
      return new Planned(content, new Piece("piece.csv", file.toString(), plannedSize, null, 0,
          plannedSize, 1, Compression.NONE, false, null));
    }

    /** The bytes the piece loads: the planned ones that are in the file. */
    byte[] loaded() {
      return Arrays.copyOf(content, (int) Math.min(content.length, piece.end()));
    }
  }

  /**
   * Reads as a load does: {@code fillFirst}, the first buffer filled ({@link PieceReader#fill}, a
   * piece that fits is read so), then reads until the end, each into the buffer from {@code
   * offset} (a load reads after the bytes it keeps). The file is as planned, or {@code growth}
   * bytes longer or shorter.
   */
  @Property(tries = 500)
  void readsThePlannedBytesAndDigestsTheWholeFile(
      @ForAll @IntRange(max = 5000) int plannedSize,
      @ForAll @IntRange(min = -200, max = 200) int growth,
      @ForAll @IntRange(min = 1, max = 6000) int bufferSize,
      @ForAll @IntRange(max = 100) int offset,
      @ForAll boolean fillFirst,
      @ForAll long seed) throws Exception {
    int sizeNow = Math.max(0, plannedSize + growth);
    Planned planned = Planned.of(sizeNow, plannedSize, seed);
    MessageDigest digest = Hashes.sha256();
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buf = new byte[offset + bufferSize];
    try (PieceReader reader = PieceReader.open(planned.piece(), 0, plannedSize, digest)) {
      if (fillFirst) {
        read.write(buf, offset, reader.fill(buf, offset, bufferSize));
      }
      int n;
      while (!reader.atLimit() && (n = reader.read(buf, offset, bufferSize)) >= 0) {
        read.write(buf, offset, n);
      }
      assertThat(reader.position()).isEqualTo(Math.min(sizeNow, plannedSize));
      reader.drainDigest();
    }
    assertThat(read.toByteArray()).isEqualTo(planned.loaded());
    assertThat(Hashes.hex(digest)).isEqualTo(sha256(planned.content()));
  }

  /**
   * A file shorter than planned at the first read, which then grows past the plan: the short read
   * did not see the file's end, and the digest still covers what it holds when the piece is done.
   */
  @Example
  void aFileThatGrowsAfterAShortReadIsDigestedWhole() throws Exception {
    Planned planned = Planned.of(50, 100, 7);
    Path file = Path.of(planned.piece().path());
    MessageDigest digest = Hashes.sha256();
    byte[] buf = new byte[200];
    try (PieceReader reader = PieceReader.open(planned.piece(), 0, 100, digest)) {
      assertThat(reader.read(buf, 0, buf.length)).isEqualTo(50); // asked 101, the file has 50
      byte[] more = new byte[100];
      new Random(8).nextBytes(more);
      Files.write(file, more, StandardOpenOption.APPEND);
      assertThat(reader.read(buf, 0, 50)).isEqualTo(50); // the rest of the piece, exactly
      assertThat(reader.atLimit()).isTrue();
      reader.drainDigest();
    }
    assertThat(Hashes.hex(digest)).isEqualTo(sha256(Files.readAllBytes(file)));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}

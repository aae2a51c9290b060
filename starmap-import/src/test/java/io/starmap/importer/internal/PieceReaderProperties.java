package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A plain file read whole, with its digest: whatever its size now against the size the plan saw
 * (the same, grown, shrunk) and whatever the reads' buffer, the reader returns the planned bytes
 * that are there, never one more, and the digest covers every byte of the file.
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
   * piece that fits is read so), then reads until the end; each read into the buffer's start.
   */
  @Property(tries = 400)
  void readsThePlannedBytesAndDigestsTheWholeFile(
      @ForAll @IntRange(max = 5000) int sizeNow,
      @ForAll @IntRange(max = 5000) int plannedSize,
      @ForAll @IntRange(min = 1, max = 6000) int bufferSize,
      @ForAll boolean fillFirst,
      @ForAll long seed) throws Exception {
    Planned planned = Planned.of(sizeNow, plannedSize, seed);
    MessageDigest digest = Hashes.sha256();
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buf = new byte[bufferSize];
    try (PieceReader reader = PieceReader.open(planned.piece(), 0, plannedSize, digest)) {
      if (fillFirst) {
        read.write(buf, 0, reader.fill(buf, 0, buf.length));
      }
      int n;
      while (!reader.atLimit() && (n = reader.read(buf, 0, buf.length)) >= 0) {
        read.write(buf, 0, n);
      }
      assertThat(reader.position()).isEqualTo(Math.min(sizeNow, plannedSize));
      reader.drainDigest();
    }
    assertThat(read.toByteArray()).isEqualTo(planned.loaded());
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(planned.content())));
  }
}

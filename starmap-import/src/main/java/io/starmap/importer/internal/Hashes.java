package io.starmap.importer.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** SHA-256 of files: the ledger's content key. */
public final class Hashes {
  private Hashes() {}

  /** A new SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The digest as lower-case hex. */
  public static String hex(MessageDigest d) {
    return HexFormat.of().formatHex(d.digest());
  }

  /** The SHA-256 of a file's content. */
  public static String of(Path file) {
    return of(file, sha256(), new byte[1 << 16]);
  }

  /**
   * The SHA-256 of a file's content, with a digest and a buffer of the caller's (hashing tens of
   * thousands of tiny files, a buffer and a stream each would be most of the work).
   */
  public static String of(Path file, MessageDigest d, byte[] buffer) {
    d.reset();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      int n;
      while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
        d.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return hex(d);
  }

  /**
   * The content hash of every file, read by {@code streams} parallel streams, each with its own
   * digest and buffer.
   *
   * @param files the files
   * @param streams how many to read at once (at least 1)
   * @return each file's hash, as {@link #of(Path)} gives it
   */
  public static Map<InputFile, String> ofAll(List<InputFile> files, int streams) {
    String[] hashes = new String[files.size()];
    int n = Math.max(1, Math.min(files.size(), streams));
    IntStream.range(0, n).parallel().forEach(s -> {
      MessageDigest d = sha256();
      byte[] buffer = new byte[1 << 16];
      for (int i = s; i < hashes.length; i += n) {
        hashes[i] = of(files.get(i).path(), d, buffer);
      }
    });
    Map<InputFile, String> out = new HashMap<>(files.size() * 2);
    for (int i = 0; i < hashes.length; i++) {
      out.put(files.get(i), hashes[i]);
    }
    return out;
  }
}

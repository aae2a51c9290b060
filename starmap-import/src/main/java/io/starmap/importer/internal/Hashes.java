package io.starmap.importer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
    MessageDigest d = sha256();
    byte[] b = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(b)) >= 0) {
        d.update(b, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return hex(d);
  }
}

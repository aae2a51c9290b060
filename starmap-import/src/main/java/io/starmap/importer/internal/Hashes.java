package io.starmap.importer.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
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

  private static final String PENDING = "pending:";
  private static final java.util.concurrent.ConcurrentHashMap<String,
      java.util.concurrent.CompletableFuture<String>> PENDING_HASHES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A stand-in for the hash of a file that a scan in this JVM is still reading; {@link #resolve}
   * waits for the real one.
   */
  static String pending(String runKey, String path) {
    String key = PENDING + runKey + ":" + path;
    PENDING_HASHES.put(key, new java.util.concurrent.CompletableFuture<>());
    return key;
  }

  static void complete(String pending, String hash) {
    PENDING_HASHES.get(pending).complete(hash);
  }

  static void fail(String pending, Throwable why) {
    PENDING_HASHES.get(pending).completeExceptionally(why);
  }

  /** The hash itself, or the one a pending hash stands for once its scan has read the file. */
  static String resolve(String hash) throws IOException, InterruptedException {
    if (hash == null || !hash.startsWith(PENDING)) {
      return hash;
    }
    java.util.concurrent.CompletableFuture<String> f = PENDING_HASHES.get(hash);
    if (f == null) {
      throw new IllegalStateException("no scan in this JVM computes " + hash);
    }
    try {
      return f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("the scan of the file failed: " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /** Forgets the pending hashes of a run that ended. */
  public static void forgetRun(String runKey) {
    PENDING_HASHES.keySet().removeIf(k -> k.startsWith(PENDING + runKey + ":"));
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
}

package io.starmap.importer.internal;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The hashes of one run's big files that a scan in this JVM is still reading: a piece cut while
 * its file is scanned carries a stand-in ({@code pending:RUN:PATH}) that its task resolves here,
 * waiting for the scan's end, before writing the ledger. Part of a {@link RunState}: the stand-ins
 * of one run are never looked up by another.
 */
public final class PendingHashes {
  private static final String PREFIX = "pending:";
  private final String runId;
  private final ConcurrentHashMap<String, CompletableFuture<String>> hashes =
      new ConcurrentHashMap<>();

  PendingHashes(String runId) {
    this.runId = runId;
  }

  /** A stand-in for the hash of {@code path}, which a scan of this run is reading. */
  String pending(String path) {
    String key = PREFIX + runId + ":" + path;
    hashes.put(key, new CompletableFuture<>());
    return key;
  }

  void complete(String pending, String hash) {
    hashes.get(pending).complete(hash);
  }

  void fail(String pending, Throwable why) {
    hashes.get(pending).completeExceptionally(why);
  }

  /** The hash itself, or the one a pending hash stands for once its scan has read the file. */
  String resolve(String hash) throws IOException, InterruptedException {
    if (hash == null || !hash.startsWith(PREFIX)) {
      return hash;
    }
    CompletableFuture<String> f = hashes.get(hash);
    if (f == null) {
      throw new IllegalStateException("no scan of run " + runId + " in this JVM computes "
          + hash);
    }
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw new IOException("the scan of the file failed: " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /** Fails the hashes still pending (the run ended) so that no task waits for them. */
  void close() {
    IOException ended = new IOException("import run " + runId + " ended before the scan");
    hashes.values().forEach(f -> f.completeExceptionally(ended));
    hashes.clear();
  }
}

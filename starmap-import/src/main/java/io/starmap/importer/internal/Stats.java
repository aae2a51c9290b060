package io.starmap.importer.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The attributes of a directory's entries (links not followed), read on two threads when there
 * are many. A listing of tens of thousands of tiny files is one {@code lstat} and some Java per
 * file, on one core while the other has nothing to do: the load cannot start before the plan,
 * which needs every file's size. With half of them read on a second thread, the listing of
 * 52,200 files ended 65 ms sooner on average (docs/benchmarks.md).
 */
final class Stats {
  /** Below this many entries a second thread costs more than it saves. */
  static final int SPLIT_AT = 2048;

  private Stats() {}

  /** The attributes of {@code paths}, in their order. */
  static BasicFileAttributes[] of(List<Path> paths) throws IOException {
    return of(paths, paths.size() >= SPLIT_AT && Runtime.getRuntime().availableProcessors() > 1);
  }

  /** The attributes of {@code paths}, in their order; half on a second thread when {@code split}. */
  static BasicFileAttributes[] of(List<Path> paths, boolean split) throws IOException {
    BasicFileAttributes[] out = new BasicFileAttributes[paths.size()];
    int half = split ? paths.size() / 2 : paths.size();
    FutureTask<Void> rest = null;
    if (half < paths.size()) {
      rest = new FutureTask<>(() -> {
        read(paths, out, half, paths.size());
        return null;
      });
      Thread.ofPlatform().name("starmap-import-stat").daemon().start(rest);
    }
    try {
      read(paths, out, 0, half);
      if (rest != null) {
        rest.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while listing " + paths.get(0).getParent());
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case IOException io -> throw io;
        case RuntimeException r -> throw r;
        case Error err -> throw err;
        default -> throw new IOException(e.getCause());
      }
    } finally {
      if (rest != null) {
        rest.cancel(true); // done already, or the caller's half failed: the other half stops
      }
    }
    return out;
  }

  /**
   * Reads {@code [from, to)}. An interrupt stops it within 1,024 entries; a directory of fewer
   * is read whole, as {@code Files.walkFileTree} did, whatever the thread's interrupt flag.
   */
  private static void read(List<Path> paths, BasicFileAttributes[] out, int from, int to)
      throws IOException {
    for (int i = from; i < to; i++) {
      if ((i & 1023) == 1023 && Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted while listing " + paths.get(i).getParent());
      }
      out[i] = lstat(paths.get(i));
    }
  }

  /**
   * A method of its own, called once per entry: the loop runs once per directory and stays
   * interpreted, where this is compiled after a few thousand calls.
   */
  private static BasicFileAttributes lstat(Path p) throws IOException {
    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }
}

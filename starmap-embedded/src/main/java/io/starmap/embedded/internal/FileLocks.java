package io.starmap.embedded.internal;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive locks on files that work between processes and between threads of one process. A
 * {@link FileLock} alone is held per process (a second lock from the same JVM throws), so threads
 * first take a JVM-wide lock for the same path. The operating system drops the file lock when its
 * process dies, so a killed process never leaves a lock behind.
 */
public final class FileLocks {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private FileLocks() {}

  /** A body that may throw {@link IOException}. */
  @FunctionalInterface
  public interface Body<T> {
    /** Runs while the lock is held. */
    T run() throws IOException;
  }

  /** Runs {@code body} while holding the exclusive lock of {@code lockFile} (created if missing). */
  public static <T> T withLock(Path lockFile, Body<T> body) throws IOException {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock jvm = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
    jvm.lock();
    try (FileChannel ch = FileChannel.open(key, java.util.Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.WRITE), OwnerOnly.fileAttributes());
        FileLock lock = ch.lock()) {
      assert lock.isValid();
      return body.run();
    } finally {
      jvm.unlock();
    }
  }
}

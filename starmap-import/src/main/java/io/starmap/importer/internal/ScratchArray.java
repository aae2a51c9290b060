package io.starmap.importer.internal;

import java.lang.ref.SoftReference;

/**
 * A large work array of one size that each thread keeps between the tasks it runs: the read
 * buffer of a task's load and the output of its binary COPY, 1 MB each. A new array of that size
 * is memory the JVM has not used yet, since an import usually ends before its first collection:
 * 256 page faults that the kernel serves one by one, a few microseconds each, for two arrays per
 * task (docs/benchmarks.md has the measurements). A worker takes its arrays back for its next
 * task instead. Each thread keeps at most one array per instance, through a soft reference, so
 * that a long-lived thread (a cluster member's) gives it up when memory runs short; an array of
 * another size (one that grew) is not kept.
 */
final class ScratchArray {
  private final int size;
  private final ThreadLocal<SoftReference<byte[]>> kept = new ThreadLocal<>();

  ScratchArray(int size) {
    this.size = size;
  }

  /** The array this thread kept, or a new one; either way this caller's alone until given back. */
  byte[] take() {
    SoftReference<byte[]> ref = kept.get();
    byte[] array = ref == null ? null : ref.get();
    if (array == null) {
      return new byte[size];
    }
    kept.remove();
    return array;
  }

  /**
   * Keeps {@code array} for this thread's next {@link #take}; the caller does not use it again.
   * Its contents are left as they are: every user fills what it reads.
   */
  void give(byte[] array) {
    if (array.length == size && kept.get() == null) {
      kept.set(new SoftReference<>(array));
    }
  }
}

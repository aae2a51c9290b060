package io.starmap.importer.internal;

import java.lang.ref.SoftReference;

/**
 * A large work array of one size that each thread keeps between the tasks it runs: the read
 * buffer of a task's load and the output of its binary COPY, 1 MB each. A new array of that size
 * is memory the JVM has not used yet, since an import usually ends before its first collection:
 * 256 page faults that the kernel serves one by one, a few microseconds each, for two arrays per
 * task (docs/benchmarks.md has the measurements). A worker takes its arrays back for its next
 * task instead (a virtual thread, new for each task, keeps nothing that another task could take).
 * Each thread keeps at most one array per instance, through a soft reference, so
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
    if (ref != null) {
      kept.remove(); // a reference the collector cleared goes too, so that give keeps the next
      byte[] array = ref.get();
      if (array != null) {
        return array;
      }
    }
    return new byte[size];
  }

  /**
   * Keeps {@code array} for this thread's next {@link #take}; the caller does not use it again.
   * Its contents are left as they are: every user fills what it reads.
   */
  void give(byte[] array) {
    SoftReference<byte[]> ref = kept.get();
    if (array.length == size && (ref == null || ref.refersTo(null))) {
      kept.set(new SoftReference<>(array));
    }
  }

  /** Clears this thread's reference as the collector would when memory runs short (for tests). */
  void clearAsTheCollectorWould() {
    SoftReference<byte[]> ref = kept.get();
    if (ref != null) {
      ref.clear();
    }
  }
}

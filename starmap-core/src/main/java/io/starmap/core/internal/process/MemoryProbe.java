package io.starmap.core.internal.process;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The resident memory of this process, from {@code /proc/self/status}: {@code VmRSS} now and
 * {@code VmHWM}, the peak, which {@link #resetPeak} resets (Linux 4.0+, writing 5 to {@code
 * /proc/self/clear_refs}) so that the peak is per task. Where /proc is missing or refuses, the
 * values are 0 and nothing fails: instrumentation never breaks the main path.
 *
 * <p>A stream of tasks shorter than {@link #EXACT_PEAK_NANOS} reads and resets at most once per
 * {@link #EXACT_PEAK_NANOS}: the two system calls cost about 1 to 1.5 us, a tenth of such a task's
 * round trip. Their resident size is then at most that old, and the peak of a long task that
 * follows them within it also covers them.
 */
final class MemoryProbe {
  /** Tasks shorter than this get their peak from the resident size before and after. */
  static final long EXACT_PEAK_NANOS = 1_000_000;
  private FileChannel status;
  private FileChannel statm;
  private long pageSize = 4096;
  private FileOutputStream clearRefs;
  private final ByteBuffer buffer = ByteBuffer.allocate(8192);
  private long rss;
  private long peak;
  private long lastReset = System.nanoTime() - EXACT_PEAK_NANOS;
  private long lastResident = System.nanoTime() - EXACT_PEAK_NANOS;

  MemoryProbe() {
    try {
      status = FileChannel.open(Path.of("/proc/self/status"), StandardOpenOption.READ);
    } catch (IOException | RuntimeException e) {
      status = null;
    }
    try {
      statm = FileChannel.open(Path.of("/proc/self/statm"), StandardOpenOption.READ);
      read();
      long pages = residentPages();
      if (pages > 0 && rss > 0) {
        // The page size, which Java does not tell: the one that makes both files agree.
        long ratio = rss / pages;
        pageSize = ratio > 40_000 ? 65536 : ratio > 10_000 ? 16384 : 4096;
      }
    } catch (IOException | RuntimeException e) {
      statm = null;
    }
    try {
      clearRefs = new FileOutputStream("/proc/self/clear_refs");
    } catch (IOException | RuntimeException e) {
      clearRefs = null;
    }
  }

  /** Starts a new peak: after this, {@link #peak} is the peak since now. */
  synchronized void resetPeak() {
    long now = System.nanoTime();
    if (clearRefs == null || now - lastReset < EXACT_PEAK_NANOS) {
      return;
    }
    lastReset = now;
    try {
      clearRefs.write('5');
    } catch (IOException e) {
      closeQuietly();
    }
  }

  private void closeQuietly() {
    try {
      clearRefs.close();
    } catch (IOException ignored) {
      // nothing to do: the peak will be the process's peak
    }
    clearRefs = null;
  }

  /**
   * Reads the memory after a task that took {@code wallNanos}, whose peak was reset before it
   * started. Reading {@code /proc/self/status} costs about 10 us, more than a trivial task: a
   * task shorter than {@link #EXACT_PEAK_NANOS} gets the cheap {@code statm} resident size, and
   * its peak is the larger of the resident sizes before and after it.
   */
  synchronized void readAfter(long wallNanos) {
    if (wallNanos >= EXACT_PEAK_NANOS || statm == null) {
      read();
      return;
    }
    long before = rss;
    long now = System.nanoTime();
    if (now - lastResident < EXACT_PEAK_NANOS) {
      peak = before; // read less than a short task's length ago
      return;
    }
    lastResident = now;
    long pages = residentPages();
    if (pages < 0) {
      read();
      return;
    }
    rss = pages * pageSize;
    peak = Math.max(before, rss);
  }

  private long residentPages() {
    try {
      buffer.clear();
      int n = statm.read(buffer, 0);
      if (n <= 0) {
        return -1;
      }
      byte[] b = buffer.array();
      int i = 0;
      while (i < n && b[i] != ' ') {
        i++; // skip the total size; the second field is the resident size
      }
      long pages = 0;
      for (i++; i < n && b[i] >= '0' && b[i] <= '9'; i++) {
        pages = pages * 10 + (b[i] - '0');
      }
      return pages;
    } catch (IOException | RuntimeException e) {
      statm = null;
      return -1;
    }
  }

  /** Reads both values; afterwards {@link #rss} and {@link #peak} hold them, in bytes. */
  synchronized void read() {
    lastResident = System.nanoTime();
    rss = 0;
    peak = 0;
    if (status == null) {
      return;
    }
    try {
      buffer.clear();
      long position = 0;
      int n;
      while (buffer.hasRemaining() && (n = status.read(buffer, position)) > 0) {
        position += n;
      }
      parse(buffer.array(), buffer.position());
    } catch (IOException | RuntimeException e) {
      status = null;
    }
  }

  private void parse(byte[] b, int length) {
    int i = 0;
    while (i < length) {
      int end = i;
      while (end < length && b[end] != '\n') {
        end++;
      }
      if (startsWith(b, i, end, "VmRSS:")) {
        rss = kilobytes(b, i + 6, end) * 1024;
      } else if (startsWith(b, i, end, "VmHWM:")) {
        peak = kilobytes(b, i + 6, end) * 1024;
      }
      i = end + 1;
    }
  }

  private static boolean startsWith(byte[] b, int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (b[from + k] != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static long kilobytes(byte[] b, int from, int to) {
    long value = 0;
    for (int k = from; k < to; k++) {
      if (b[k] >= '0' && b[k] <= '9') {
        value = value * 10 + (b[k] - '0');
      }
    }
    return value;
  }

  /** Resident bytes at the last {@link #read}. */
  synchronized long rss() {
    return rss;
  }

  /** Peak resident bytes at the last {@link #read} (since the last reset). */
  synchronized long peak() {
    return Math.max(peak, rss);
  }
}

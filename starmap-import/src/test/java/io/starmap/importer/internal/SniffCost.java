package io.starmap.importer.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * Run by hand, in a fresh JVM each time (an import sniffs once, mostly interpreted): the CPU of
 * sampling a directory's files and sniffing their dialect, as an import does before its plan.
 *
 * <pre>
 * java -XX:CompileThresholdScaling=10 -cp starmap-import/target/classes:\
 *     starmap-import/target/test-classes io.starmap.importer.internal.SniffCost DIR
 * </pre>
 */
public final class SniffCost {
  private SniffCost() {}

  /** Prints the CPU time of the sample's reading and of the sniff. */
  public static void main(String[] args) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<InputFile> files = FileSet.expand(List.of(args[0]));
    long c0 = mx.getCurrentThreadCpuTime();
    Sample sample = Sample.of(files, true);
    long c1 = mx.getCurrentThreadCpuTime();
    DialectSniffer.Sniffed s = DialectSniffer.sniff('\0', '\0', '\0', "", sample, 0);
    long c2 = mx.getCurrentThreadCpuTime();
    System.out.printf(Locale.ROOT, "sample %.1f ms, sniff %.1f ms CPU: %s%n", (c1 - c0) / 1e6,
        (c2 - c1) / 1e6, s.message());
  }
}

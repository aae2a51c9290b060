package io.starmap.importer.internal;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Run by hand: what dropping a field costs the client in CSV text COPY ({@link SkippingCopyIn}),
 * against the record scan that every text COPY does anyway ({@link RecordScanner}), over the
 * files of a directory of {@code code,date,value} records (as {@code starmap gen prices} writes),
 * read 1 MB at a time as the loader reads them, the date skipped.
 *
 * <pre>
 * java -cp starmap-import/target/classes:starmap-import/target/test-classes:POSTGRESQL_JAR \
 *     io.starmap.importer.internal.SkippingCost DIR
 * </pre>
 */
public final class SkippingCost {
  private SkippingCost() {}

  /** Prints the time of each, seven times over. */
  public static void main(String[] args) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (var files = Files.list(Path.of(args[0]))) {
      for (Path p : files.sorted().toList()) {
        all.write(Files.readAllBytes(p));
      }
    }
    byte[] b = all.toByteArray();
    Dialect d = new Dialect((byte) ',', (byte) '"', (byte) '"', "", "UTF8");
    int chunk = 1 << 20;
    for (int rep = 0; rep < 7; rep++) {
      long t0 = System.nanoTime();
      RecordScanner scanner = new RecordScanner(d);
      for (int i = 0; i < b.length; i += chunk) {
        scanner.scan(b, i, Math.min(b.length, i + chunk));
      }
      long t1 = System.nanoTime();
      SkippingCopyInTest.Sent sent = new SkippingCopyInTest.Sent(false);
      SkippingCopyIn in = new SkippingCopyIn(sent, List.of("code", "", "value"), d);
      for (int i = 0; i < b.length; i += chunk) {
        in.writeToCopy(b, i, Math.min(chunk, b.length - i));
      }
      long t2 = System.nanoTime();
      System.out.printf(Locale.ROOT, "%d bytes (%d records, %d bytes sent): record scan %.1f ms,"
          + " field dropping %.1f ms (%.0f MB/s), ratio %.2f%n", b.length, scanner.records(),
          sent.count, (t1 - t0) / 1e6, (t2 - t1) / 1e6, b.length / 1e3 / ((t2 - t1) / 1e6),
          (double) (t2 - t1) / (t1 - t0));
    }
  }
}

package io.starmap.importer.internal;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Run by hand: the client's CPU per byte of a binary COPY import, without the server: the CSV
 * files of a directory of {@code code,date,value} records (as {@code starmap gen prices} writes
 * them) encoded by {@link BinaryRows} 1 MB at a time as the loader reads them, with the columns'
 * types given ({@code skip} for a field read past), and their SHA-256 (the ledger's key, digested
 * as they are read). The first pass is what a fresh JVM pays while the JIT compiles; the later
 * ones are the compiled code's.
 *
 * <pre>
 * java -cp starmap-import/target/classes:starmap-import/target/test-classes \
 *     io.starmap.importer.internal.EncodeCost DIR [PASSES [TYPES]]
 * </pre>
 */
public final class EncodeCost {
  private EncodeCost() {}

  /** Prints the time of each pass. */
  public static void main(String[] args) throws Exception {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try (var files = Files.list(Path.of(args[0]))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        all.write(Files.readAllBytes(p));
      }
    }
    byte[] b = all.toByteArray();
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    // the columns' types, "skip" for a field read past and not encoded: what each part costs
    List<String> types = Arrays.stream((args.length > 2 ? args[2]
        : "character varying(10),date,double precision").split(","))
        .map(t -> t.equals("skip") ? null : t).toList();
    Dialect d = new Dialect((byte) ',', (byte) '"', (byte) '"', "", "UTF8");
    int chunk = 1 << 20;
    byte[] buf = new byte[chunk + 1];
    for (int pass = 0; pass < passes; pass++) {
      long t0 = System.nanoTime();
      PgBinaryWriter.Out out = new PgBinaryWriter.Out();
      BinaryRows rows = new BinaryRows(types, d, out);
      long sent = 0;
      int tail = 0;
      for (int i = 0, n; i < b.length; i += n) {
        n = Math.min(chunk - tail, b.length - i);
        System.arraycopy(b, i, buf, tail, n);
        int end = tail + n;
        int pos = rows.feed(buf, 0, end, Integer.MAX_VALUE);
        tail = end - pos;
        System.arraycopy(buf, pos, buf, 0, tail);
        sent += out.n;
        out.n = 0;
      }
      rows.finish(buf, 0, tail);
      long t1 = System.nanoTime();
      MessageDigest sha = Hashes.sha256();
      for (int i = 0; i < b.length; i += chunk) {
        sha.update(b, i, Math.min(chunk, b.length - i));
      }
      sha.digest();
      long t2 = System.nanoTime();
      System.out.printf(Locale.ROOT, "pass %d: %d bytes, %d records, %d bytes sent: encoding"
          + " %.1f ms (%.0f MB/s), SHA-256 %.1f ms%n", pass + 1, b.length, rows.records(), sent,
          (t1 - t0) / 1e6, b.length / 1e3 / ((t1 - t0) / 1e6), (t2 - t1) / 1e6);
    }
  }
}

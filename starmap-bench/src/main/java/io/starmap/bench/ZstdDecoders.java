package io.starmap.bench;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The decompression throughput of the zstd decoders the importer could use, on the same file:
 * zstd-jni (JNI, the importer's) and aircompressor (pure Java). The file is compressed once in
 * memory (level 3, zstd's default), then each decoder reads it whole into a 1 MB buffer, as an
 * import task does, alternately A/B/A/B so that both see the same machine load; one line per
 * read and the median of each.
 *
 * <p>Run: {@code java -cp starmap-bench/target/benchmarks.jar io.starmap.bench.ZstdDecoders
 * FILE.csv [ROUNDS]}
 */
public final class ZstdDecoders {
  private ZstdDecoders() {}

  /** A decoder over an input stream. */
  private interface Decoder {
    InputStream open(InputStream in) throws IOException;
  }

  public static void main(String[] args) throws IOException {
    byte[] plain = Files.readAllBytes(Path.of(args[0]));
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new ZstdOutputStream(bytes, 3)) {
      out.write(plain);
    }
    byte[] zst = bytes.toByteArray();
    System.out.printf(Locale.ROOT, "%s: %.1f MB, %.1f MB as zstd level 3%n", args[0],
        plain.length / 1e6, zst.length / 1e6);
    String[] names = {"zstd-jni", "aircompressor"};
    Decoder[] decoders = {ZstdInputStreamNoFinalizer::new,
        io.airlift.compress.zstd.ZstdInputStream::new};
    List<List<Double>> seconds = List.of(new ArrayList<>(), new ArrayList<>());
    for (int r = -1; r < rounds; r++) { // round -1 warms both up
      for (int d = 0; d < decoders.length; d++) {
        long t0 = System.nanoTime();
        long n = drain(decoders[d].open(new ByteArrayInputStream(zst)));
        double s = (System.nanoTime() - t0) / 1e9;
        if (n != plain.length) {
          throw new IllegalStateException(names[d] + " read " + n + " bytes of " + plain.length);
        }
        if (r >= 0) {
          seconds.get(d).add(s);
          System.out.printf(Locale.ROOT, "round %d %-14s %.3f s %7.0f MB/s%n", r, names[d], s,
              n / 1e6 / s);
        }
      }
    }
    for (int d = 0; d < decoders.length; d++) {
      double[] s = seconds.get(d).stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double median = s[s.length / 2];
      System.out.printf(Locale.ROOT, "median %-14s %.3f s %7.0f MB/s%n", names[d], median,
          plain.length / 1e6 / median);
    }
    System.out.println(Arrays.toString(names) + " medians above; lower seconds is faster");
  }

  private static long drain(InputStream in) throws IOException {
    byte[] b = new byte[1 << 20];
    long total = 0;
    try (in) {
      int n;
      while ((n = in.read(b)) >= 0) {
        total += n;
      }
    }
    return total;
  }
}

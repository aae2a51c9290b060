package io.starmap.cli.bench;

import io.starmap.importer.gen.PriceGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The files of one shape, largest first, and their rows: generated once into {@code
 * benchDir/data/<generation key>} and reused while complete.
 *
 * @param dir the data set's directory
 * @param files its CSV files, largest first
 * @param sizes their sizes, in the same order
 * @param rows the rows of all files
 */
record BenchData(Path dir, List<Path> files, List<Long> sizes, long rows) {

  /** The data set of {@code shape}, generated if it is not cached yet. */
  static BenchData of(BenchConfig config, ImportBench.Shape shape, Consumer<String> log) {
    PriceGenerator.Builder b = PriceGenerator.builder().days(config.days())
        .securities(config.securities()).seed(config.seed());
    switch (shape) {
      case SPLIT -> b.filesPerDay(Math.min(config.splitFilesPerDay(), config.securities()));
      case SINGLE -> b.singleFile(true);
      default -> { }
    }
    PriceGenerator gen = b.build();
    Path dir = config.benchDir().resolve("data").resolve(gen.key());
    try {
      generateUnlessCached(gen, dir, log);
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
      }
      if (files.size() != gen.fileCount()) {
        throw new BenchException("the cached data set " + dir + " has " + files.size()
            + " files instead of " + gen.fileCount() + ": delete it to regenerate");
      }
      List<Path> bySize = new ArrayList<>(files);
      Map<Path, Long> sizes = new LinkedHashMap<>();
      for (Path f : files) {
        sizes.put(f, Files.size(f));
      }
      bySize.sort(Comparator.comparing(sizes::get).reversed());
      return new BenchData(dir, List.copyOf(bySize), bySize.stream().map(sizes::get).toList(),
          gen.rows());
    } catch (IOException e) {
      throw new BenchException("cannot prepare the data set in " + dir + ": " + e.getMessage(),
          e);
    }
  }

  private static void generateUnlessCached(PriceGenerator gen, Path dir, Consumer<String> log)
      throws IOException {
    Path complete = dir.resolve(".complete");
    if (Files.exists(complete)) {
      return;
    }
    log.accept("generating " + gen.fileCount() + " files, " + gen.rows() + " rows in " + dir);
    if (Files.exists(dir)) {
      deleteTree(dir);
    }
    var report = gen.writeTo(dir);
    Scripts.writeOwnerOnly(complete, report.files() + " files, " + report.rows() + " rows, "
        + report.bytes() + " bytes\n");
    log.accept(String.format(Locale.ROOT, "  %d files, %.1f MB in %.1f s", report.files(),
        report.bytes() / 1e6, report.elapsed().toMillis() / 1e3));
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package io.starmap.importer.gen;

import io.starmap.core.Starmap;
import io.starmap.core.Task;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes the talk's data set of security prices: one CSV file per business day (Monday to Friday
 * from {@link #DEFAULT_START}), rows {@code code,date,value} without a header, where {@code code}
 * is a 6-digit zero-padded number, {@code date} is ISO and {@code value} has 2 decimals.
 *
 * <p>The output is a pure function of the options: every value depends only on the seed, the day
 * and the code, so the same options give the same bytes, files can be written in parallel in any
 * order, and the same rows come out whatever the layout (one file per day, {@code K} files per day
 * or a single file): concatenating the files in name order gives the same bytes for every layout.
 *
 * <pre>{@code
 * GenerationReport r = PriceGenerator.builder().days(522).securities(10_000).seed(42)
 *     .build().writeTo(Path.of("/tmp/prices"));
 * }</pre>
 */
public final class PriceGenerator {
  /** The first business day of the data set by default, a Monday: 522 days reach mid 2017. */
  public static final LocalDate DEFAULT_START = LocalDate.of(2015, 7, 6);
  /** The default number of business days, about two years. */
  public static final int DEFAULT_DAYS = 522;
  /** The default number of securities per day. */
  public static final int DEFAULT_SECURITIES = 10_000;
  /** The default seed. */
  public static final long DEFAULT_SEED = 42L;

  private final Settings settings;
  private final String executor;
  private final int workers;

  private PriceGenerator(Settings settings, String executor, int workers) {
    this.settings = settings;
    this.executor = executor;
    this.workers = workers;
  }

  /**
   * Starts configuring a generator with the talk's defaults.
   *
   * @return a builder with the defaults: 522 days from {@link #DEFAULT_START}, 10,000 securities,
   *     seed 42, one file per day, the {@code threads} executor
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The number of rows the data set has: days x securities.
   *
   * @return the number of rows, over all files
   */
  public long rows() {
    return (long) settings.days * settings.securities;
  }

  /**
   * The number of files the data set has.
   *
   * @return the number of files that {@link #writeTo} writes, 1 or more
   */
  public int fileCount() {
    return settings.singleFile ? 1 : settings.days * settings.filesPerDay;
  }

  /**
   * A short name that identifies the data set (not the executor that writes it), usable as a
   * directory name for a cache, e.g. {@code d522-s10000-seed42-k1}.
   *
   * @return a name made of the days, securities, seed, files per day and start date
   */
  public String key() {
    return "d" + settings.days + "-s" + settings.securities + "-seed" + settings.seed
        + (settings.singleFile ? "-single" : "-k" + settings.filesPerDay)
        + (settings.start.equals(DEFAULT_START) ? "" : "-" + settings.start);
  }

  /**
   * The business days of the data set, in order.
   *
   * @return the first {@code days} weekdays from the start date; holidays are not skipped
   */
  public List<LocalDate> businessDays() {
    List<LocalDate> out = new ArrayList<>(settings.days);
    LocalDate d = settings.start;
    while (out.size() < settings.days) {
      if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
        out.add(d);
      }
      d = d.plusDays(1);
    }
    return out;
  }

  /**
   * The files to write, in name order (which is also row order).
   *
   * @return one spec per file; a new list
   */
  public List<FileSpec> files() {
    List<LocalDate> days = businessDays();
    List<FileSpec> out = new ArrayList<>();
    if (settings.singleFile) {
      out.add(new FileSpec("prices.csv", 0, days.size(), 0, settings.securities));
      return out;
    }
    int k = settings.filesPerDay;
    int width = Math.max(4, Integer.toString(k - 1).length());
    for (int i = 0; i < days.size(); i++) {
      for (int p = 0; p < k; p++) {
        int from = (int) ((long) p * settings.securities / k);
        int to = (int) ((long) (p + 1) * settings.securities / k);
        String name = k == 1 ? "prices-" + days.get(i) + ".csv"
            : String.format(Locale.ROOT, "prices-%s-%0" + width + "d.csv", days.get(i), p);
        out.add(new FileSpec(name, i, i + 1, from, to));
      }
    }
    return out;
  }

  /**
   * Writes every file into {@code dir} (created if missing; existing files of the same names are
   * replaced), in parallel with a starmap on the configured executor.
   *
   * @param dir the output directory
   * @return what was written
   * @throws UncheckedIOException naming the file that could not be written
   */
  public GenerationReport writeTo(Path dir) {
    long t0 = System.nanoTime();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create directory " + dir, e);
    }
    List<FileSpec> files = files();
    Settings s = settings;
    String target = dir.toAbsolutePath().toString();
    Task<FileSpec, long[]> write = (FileSpec f, io.starmap.core.TaskContext<FileSpec> ctx) -> {
      try (var m = ctx.measure("write")) {
        long bytes = s.write(Path.of(target, f.name()), f);
        m.count(f.rows());
        return new long[] {f.rows(), bytes};
      }
    };
    var starmap = Starmap.builder("gen_prices", write)
        .executor(executor)
        .workers(files.size() == 1 ? 1 : workers)
        .weight(FileSpec::rows)
        .describe(FileSpec::name)
        .build();
    long[] total = starmap.reduce(files, new long[2], (acc, r) -> {
      acc[0] += r[0];
      acc[1] += r[1];
      return acc;
    });
    return new GenerationReport(dir, files.size(), total[0], total[1],
        Duration.ofNanos(System.nanoTime() - t0));
  }

  /**
   * One file of the data set: the days {@code [fromDay, toDay)} and the securities {@code
   * [fromCode, toCode)}, written day by day, code by code.
   *
   * @param name the file name, such as {@code prices-2024-01-02.csv}
   * @param fromDay the index of the first business day, inclusive
   * @param toDay the index after the last business day (exclusive)
   * @param fromCode the first security number, inclusive
   * @param toCode the number after the last security (exclusive)
   */
  public record FileSpec(String name, int fromDay, int toDay, int fromCode, int toCode)
      implements Serializable {
    /**
     * The rows in this file.
     *
     * @return {@code (toDay - fromDay) x (toCode - fromCode)}
     */
    public long rows() {
      return (long) (toDay - fromDay) * (toCode - fromCode);
    }
  }

  /**
   * What {@link #writeTo} wrote.
   *
   * @param dir the directory the files were written to
   * @param files how many files
   * @param rows how many rows, over all files
   * @param bytes how many bytes, over all files
   * @param elapsed the wall time of the whole write
   */
  public record GenerationReport(Path dir, int files, long rows, long bytes, Duration elapsed) {}

  /** The value of security {@code code} on business day {@code day} (0-based), in cents. */
  static long cents(long seed, int day, int code) {
    // A per-security price level between 5.00 and 49.99, moved by at most +-10% each day: prices
    // that look like the talk's, computed from (seed, day, code) alone so that files are
    // independent.
    long base = 500 + Long.remainderUnsigned(mix(seed * 0x9E3779B97F4A7C15L + code), 4500);
    long move = Long.remainderUnsigned(mix(mix(seed ^ (0xC2B2AE3D27D4EB4FL * (day + 1))) + code),
        2001) - 1000;
    return base + base * move / 10_000;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The options that decide the bytes; serializable so that a task can carry them.
   *
   * @param days the number of business days
   * @param securities the number of securities
   * @param seed the seed of the values
   * @param filesPerDay the number of files per day (ignored for a single file)
   * @param singleFile whether every row goes into {@code prices.csv}
   * @param start the first date
   */
  private record Settings(int days, int securities, long seed, int filesPerDay,
      boolean singleFile, LocalDate start) implements Serializable {

    long write(Path path, FileSpec f) {
      List<LocalDate> days = new PriceGenerator(this, "no", 1).businessDays();
      byte[] buf = new byte[1 << 16];
      int pos = 0;
      long written = 0;
      try (OutputStream out = Files.newOutputStream(path)) {
        byte[] row = new byte[64];
        for (int d = f.fromDay(); d < f.toDay(); d++) {
          byte[] date = days.get(d).toString().getBytes(StandardCharsets.US_ASCII);
          for (int c = f.fromCode(); c < f.toCode(); c++) {
            int n = formatRow(row, c, date, cents(seed, d, c));
            if (pos + n > buf.length) {
              out.write(buf, 0, pos);
              written += pos;
              pos = 0;
            }
            System.arraycopy(row, 0, buf, pos, n);
            pos += n;
          }
        }
        out.write(buf, 0, pos);
        written += pos;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + path, e);
      }
      return written;
    }

    private static int formatRow(byte[] row, int code, byte[] date, long cents) {
      int p = 0;
      for (int i = 5, c = code; i >= 0; i--, c /= 10) {
        row[p + i] = (byte) ('0' + c % 10);
      }
      p += 6;
      row[p++] = ',';
      System.arraycopy(date, 0, row, p, date.length);
      p += date.length;
      row[p++] = ',';
      String units = Long.toString(cents / 100);
      for (int i = 0; i < units.length(); i++) {
        row[p++] = (byte) units.charAt(i);
      }
      row[p++] = '.';
      row[p++] = (byte) ('0' + (cents / 10) % 10);
      row[p++] = (byte) ('0' + cents % 10);
      row[p++] = '\n';
      return p;
    }
  }

  /** Configures a {@link PriceGenerator}; every setter validates its value at once. */
  public static final class Builder {
    private int days = DEFAULT_DAYS;
    private int securities = DEFAULT_SECURITIES;
    private long seed = DEFAULT_SEED;
    private int filesPerDay = 1;
    private boolean singleFile;
    private LocalDate start = DEFAULT_START;
    private String executor = "threads";
    private int workers = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /**
     * The number of business days, one file (or {@code filesPerDay} files) each; default 522.
     *
     * @param days the number of business days; 1 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code days} is less than 1
     */
    public Builder days(int days) {
      if (days < 1) {
        throw new IllegalArgumentException("days must be positive, got " + days);
      }
      this.days = days;
      return this;
    }

    /**
     * The number of securities, one row each per day; between 1 and 1,000,000; default 10,000.
     *
     * @param securities the number of securities
     * @return this builder
     * @throws IllegalArgumentException when {@code securities} is outside 1 to 1,000,000
     */
    public Builder securities(int securities) {
      if (securities < 1 || securities > 1_000_000) {
        throw new IllegalArgumentException(
            "securities must be between 1 and 1000000 (6-digit codes), got " + securities);
      }
      this.securities = securities;
      return this;
    }

    /**
     * The seed of the values; default 42.
     *
     * @param seed any value; the same seed gives the same files
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Splits each day into this many files of about equal rows; default 1.
     *
     * @param filesPerDay the number of files per day; 1 or more, at most the number of securities
     * @return this builder
     * @throws IllegalArgumentException when {@code filesPerDay} is less than 1
     */
    public Builder filesPerDay(int filesPerDay) {
      if (filesPerDay < 1) {
        throw new IllegalArgumentException("files per day must be positive, got " + filesPerDay);
      }
      this.filesPerDay = filesPerDay;
      return this;
    }

    /**
     * Writes all the rows into one file {@code prices.csv} instead of one per day.
     *
     * @param singleFile true for one file {@code prices.csv}
     * @return this builder
     */
    public Builder singleFile(boolean singleFile) {
      this.singleFile = singleFile;
      return this;
    }

    /**
     * The first date; weekends are skipped; default {@link #DEFAULT_START}.
     *
     * @param start the first date; not null
     * @return this builder
     */
    public Builder start(LocalDate start) {
      this.start = Objects.requireNonNull(start, "start");
      return this;
    }

    /**
     * The starmap executor that writes the files; default {@code threads}.
     *
     * @param executor a starmap executor name; not blank
     * @return this builder
     * @throws IllegalArgumentException when {@code executor} is blank
     */
    public Builder executor(String executor) {
      if (executor == null || executor.isBlank()) {
        throw new IllegalArgumentException("executor must not be blank: '" + executor + "'");
      }
      this.executor = executor;
      return this;
    }

    /**
     * The number of files written at once; default the number of cores.
     *
     * @param workers the number of files written at once; 1 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code workers} is less than 1
     */
    public Builder workers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be positive, got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * The generator.
     *
     * @return the generator; the builder can be reused
     * @throws IllegalArgumentException when the settings do not fit together, such as more files
     *     per day than securities
     */
    public PriceGenerator build() {
      if (singleFile && filesPerDay != 1) {
        throw new IllegalArgumentException(
            "a single file and " + filesPerDay + " files per day exclude each other");
      }
      if (filesPerDay > securities) {
        throw new IllegalArgumentException("files per day (" + filesPerDay
            + ") must not exceed securities (" + securities + "): files would be empty");
      }
      return new PriceGenerator(new Settings(days, securities, seed, filesPerDay, singleFile,
          start), executor, workers);
    }
  }
}

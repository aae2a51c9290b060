package io.starmap.cli.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ImportBench} measures. Built with {@link #builder(Path, String)}, whose defaults are
 * those of {@code starmap bench import}: the talk's data set (522 days of 10,000 rows), every
 * shape, 3 runs of each case, psql streams up to twice the cores, the talk's scripts and
 * exercises.
 *
 * @param benchDir where data sets (cached by generation options), scripts and logs go
 * @param url the server, as a URL that psql accepts; the importer gets it in {@code STARMAP_DB}
 * @param launcher the command that runs starmap, e.g. {@code [bin/starmap]}
 * @param days business days of the data set
 * @param securities rows per day
 * @param seed the generator's seed
 * @param splitFilesPerDay the files per day of the {@link ImportBench.Shape#SPLIT} shape
 * @param shapes the shapes to measure
 * @param repeat the runs of each case
 * @param maxStreams psql streams are measured for 1..maxStreams
 * @param talkScripts whether to run the talk's scripts (on shapes of at most talkMaxFiles)
 * @param talkMaxFiles the talk's scripts start one process per file: skip bigger shapes
 * @param exercises whether to run the exercises found in the importer's help (on the default
 *     shape)
 * @param extraExercises more importer variants on the default shape: label and arguments
 * @param importArgs arguments given to every importer run
 * @param table the table to load (dropped and created by the benchmark)
 * @param orderSeed the seed of the order of the cases in each round
 * @param importEnv environment variables set for the importer processes (e.g. STARMAP_HOME)
 * @param psql the psql program
 */
public record BenchConfig(Path benchDir, String url, List<String> launcher, int days,
    int securities, long seed, int splitFilesPerDay, List<ImportBench.Shape> shapes, int repeat,
    int maxStreams, boolean talkScripts, int talkMaxFiles, boolean exercises,
    Map<String, List<String>> extraExercises, List<String> importArgs, String table,
    long orderSeed, Map<String, String> importEnv, String psql) {
  /** Validates the values early. */
  public BenchConfig {
    Objects.requireNonNull(benchDir, "benchDir");
    Objects.requireNonNull(url, "url");
    launcher = List.copyOf(launcher);
    shapes = List.copyOf(shapes);
    extraExercises = Map.copyOf(extraExercises);
    importArgs = List.copyOf(importArgs);
    importEnv = Map.copyOf(importEnv);
    Objects.requireNonNull(psql, "psql");
    if (launcher.isEmpty()) {
      throw new IllegalArgumentException("launcher must not be empty");
    }
    if (repeat < 1) {
      throw new IllegalArgumentException("repeat must be positive, got " + repeat);
    }
    if (maxStreams < 1) {
      throw new IllegalArgumentException("max streams must be positive, got " + maxStreams);
    }
    if (shapes.isEmpty()) {
      throw new IllegalArgumentException("no shape to measure");
    }
    for (int i = 0; i < shapes.size(); i++) {
      if (shapes.indexOf(shapes.get(i)) < i) {
        // a shape measured twice would give the report two rows of each of its cases, and
        // take its minutes twice
        throw new IllegalArgumentException("the shape "
            + shapes.get(i).name().toLowerCase(java.util.Locale.ROOT)
            + " is named more than once: name each shape once");
      }
    }
    if (!table.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("table must be a plain lower-case name, got '"
          + table + "'");
    }
  }

  /**
   * A builder with the defaults of {@code starmap bench import}.
   *
   * @param benchDir where data sets, scripts and logs go
   * @param url the server's URL (psql's forms are accepted)
   * @return a builder; {@link Builder#launcher} is still to be set
   */
  public static Builder builder(Path benchDir, String url) {
    return new Builder(benchDir, url);
  }

  /**
   * A builder that starts from this configuration.
   *
   * @return a builder with every value of this one
   */
  public Builder toBuilder() {
    Builder b = new Builder(benchDir, url).launcher(launcher).days(days).securities(securities)
        .seed(seed).splitFilesPerDay(splitFilesPerDay).shapes(shapes).repeat(repeat)
        .maxStreams(maxStreams).talkScripts(talkScripts).talkMaxFiles(talkMaxFiles)
        .exercises(exercises).extraExercises(extraExercises).importArgs(importArgs).table(table)
        .importEnv(importEnv).psql(psql);
    b.orderSeed = orderSeed;
    return b;
  }

  /** Builds a {@link BenchConfig}; every setter returns the builder. */
  public static final class Builder {
    private Path benchDir;
    private String url;
    private List<String> launcher = List.of();
    private int days = 522;
    private int securities = 10_000;
    private long seed = 42;
    private int splitFilesPerDay = 100;
    private List<ImportBench.Shape> shapes = List.of(ImportBench.Shape.values());
    private int repeat = 3;
    private int maxStreams = 2 * Runtime.getRuntime().availableProcessors();
    private boolean talkScripts = true;
    private int talkMaxFiles = 1000;
    private boolean exercises = true;
    private Map<String, List<String>> extraExercises = Map.of();
    private List<String> importArgs = List.of();
    private String table = "bench_price";
    private Long orderSeed;
    private Map<String, String> importEnv = Map.of();
    private String psql;

    private Builder(Path benchDir, String url) {
      this.benchDir = benchDir;
      this.url = url;
    }

    /** @param v the server's URL @return this builder */
    public Builder url(String v) {
      url = v;
      return this;
    }

    /** @param v the command that runs starmap @return this builder */
    public Builder launcher(List<String> v) {
      launcher = v;
      return this;
    }

    /** @param v business days of the data set (default 522) @return this builder */
    public Builder days(int v) {
      days = v;
      return this;
    }

    /** @param v rows per day (default 10,000) @return this builder */
    public Builder securities(int v) {
      securities = v;
      return this;
    }

    /**
     * @param v the generator's seed (default 42), and the order's unless {@link #orderSeed} says
     *     otherwise
     * @return this builder
     */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** @param v files per day of the split shape (default 100) @return this builder */
    public Builder splitFilesPerDay(int v) {
      splitFilesPerDay = v;
      return this;
    }

    /** @param v the shapes to measure (default all) @return this builder */
    public Builder shapes(List<ImportBench.Shape> v) {
      shapes = v;
      return this;
    }

    /** @param v the runs of each case (default 3) @return this builder */
    public Builder repeat(int v) {
      repeat = v;
      return this;
    }

    /** @param v psql streams measured for 1..v (default 2 x cores) @return this builder */
    public Builder maxStreams(int v) {
      maxStreams = v;
      return this;
    }

    /** @param v whether to run the talk's scripts (default true) @return this builder */
    public Builder talkScripts(boolean v) {
      talkScripts = v;
      return this;
    }

    /** @param v the most files the talk's scripts run on (default 1000) @return this builder */
    public Builder talkMaxFiles(int v) {
      talkMaxFiles = v;
      return this;
    }

    /** @param v whether to run the talk's exercises (default true) @return this builder */
    public Builder exercises(boolean v) {
      exercises = v;
      return this;
    }

    /** @param v more importer variants: label and arguments @return this builder */
    public Builder extraExercises(Map<String, List<String>> v) {
      extraExercises = v;
      return this;
    }

    /** @param v arguments given to every importer run @return this builder */
    public Builder importArgs(List<String> v) {
      importArgs = v;
      return this;
    }

    /** @param v the table to load (default bench_price) @return this builder */
    public Builder table(String v) {
      table = v;
      return this;
    }

    /** @param v the seed of the order of the cases (default: the seed) @return this builder */
    public Builder orderSeed(long v) {
      orderSeed = v;
      return this;
    }

    /** @param v environment variables of the importer processes @return this builder */
    public Builder importEnv(Map<String, String> v) {
      importEnv = v;
      return this;
    }

    /** @param v the psql program (default: {@link Psql#find()}) @return this builder */
    public Builder psql(String v) {
      psql = v;
      return this;
    }

    /**
     * The configuration.
     *
     * @return the validated configuration
     * @throws IllegalArgumentException when a value is out of range
     */
    public BenchConfig build() {
      return new BenchConfig(benchDir, url, launcher, days, securities, seed, splitFilesPerDay,
          shapes, repeat, maxStreams, talkScripts, talkMaxFiles, exercises, extraExercises,
          importArgs, table, orderSeed != null ? orderSeed : seed, importEnv,
          psql != null ? psql : Psql.find());
    }
  }
}

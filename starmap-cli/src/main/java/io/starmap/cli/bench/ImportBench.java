package io.starmap.cli.bench;

import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.importer.gen.PriceGenerator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Measures {@code starmap import} side by side with the server's limit ({@code psql} COPY
 * streams of the same files), the talk's own scripts (one {@code psql} per file) and the talk's
 * exercises (executors, workers, shared connection), against the same server, whole-process wall
 * times. Every case runs {@code repeat} times, in a shuffled order each round so that the noise of
 * a shared machine falls on every case alike; the table is truncated and checkpointed before each
 * run and its row count checked after.
 */
public final class ImportBench {
  /** The groups of cases, as the table names them. */
  public static final String IMPORTER = "starmap import";
  /** The server's limit: N parallel psql COPY streams. */
  public static final String PSQL = "psql streams";
  /** The talk's scripts: one psql process per file. */
  public static final String TALK = "talk scripts";
  /** The talk's exercises, with the importer. */
  public static final String EXERCISE = "exercise";

  private static final String LEDGER = "starmap_ledger";

  /** The layouts of the same rows. */
  public enum Shape {
    /** One file per business day (522 files of 10,000 rows by default). */
    DEFAULT,
    /** Each day split into many small files (52,200 files of 100 rows by default). */
    SPLIT,
    /** All rows in one file. */
    SINGLE;

    /** The name shown in the table. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What to measure.
   *
   * @param benchDir where data sets (cached by generation options), scripts and logs go
   * @param url the server, as a URL that psql accepts; the importer gets it with {@code --db}
   * @param launcher the command that runs starmap, e.g. {@code [bin/starmap]}
   * @param days business days of the data set
   * @param securities rows per day
   * @param seed the generator's seed
   * @param splitFilesPerDay the files per day of the {@link Shape#SPLIT} shape
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
  public record Config(Path benchDir, String url, List<String> launcher, int days,
      int securities, long seed, int splitFilesPerDay, List<Shape> shapes, int repeat,
      int maxStreams, boolean talkScripts, int talkMaxFiles, boolean exercises,
      Map<String, List<String>> extraExercises, List<String> importArgs, String table,
      long orderSeed, Map<String, String> importEnv, String psql) {
    /** Validates the values early. */
    public Config {
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
      if (!table.matches("[a-z_][a-z0-9_]*")) {
        throw new IllegalArgumentException("table must be a plain lower-case name, got '"
            + table + "'");
      }
    }
  }

  /**
   * One line of the table.
   *
   * @param shape the data shape
   * @param group {@link #IMPORTER}, {@link #PSQL}, {@link #TALK} or {@link #EXERCISE}
   * @param name the case within its group
   * @param files the files of the shape
   * @param rows the rows loaded per run
   * @param seconds the wall times of the runs, in the order they ran
   * @param ratio best time over the best psql streams time of the shape; null without psql
   * @param medianRatio median time over the best median of the psql streams of the shape
   * @param target the target ratio, for the importer's default case
   * @param error why the case failed, or null
   */
  public record Result(Shape shape, String group, String name, int files, long rows,
      List<Double> seconds, Double ratio, Double medianRatio, Double target, String error) {
    /** The best (smallest) wall time, or NaN when no run succeeded. */
    public double best() {
      return seconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    /** The median wall time, or NaN. */
    public double median() {
      return ImportBench.median(seconds);
    }

    /** Rows per second of the best run. */
    public double rowsPerSecond() {
      return rows / best();
    }

    /** "ok", "missed" or "" for cases without a target. */
    public String verdict() {
      if (target == null || ratio == null) {
        return "";
      }
      return ratio <= target ? "ok" : "missed";
    }
  }

  /** What the benchmark found: the machine, the software and the results. */
  public record Report(Map<String, String> environment, List<Result> results) {}

  private final Config config;
  private final Consumer<String> log;
  // The URL and its password reach the child processes through their environment, which only
  // their owner can read (/proc/PID/environ is 0400), never through their command lines, which
  // every local user reads (/proc/PID/cmdline): starmap gets $STARMAP_DB, psql gets a URL without
  // the password and $PGPASSWORD.
  private final Map<String, String> psqlEnv;
  private final Map<String, String> importEnv;
  private final String publicUrl;

  /** A benchmark of {@code config}; {@code log} hears of each step (for a progress display). */
  public ImportBench(Config config, Consumer<String> log) {
    this.config = config;
    this.log = log;
    Map<String, String> pe = new LinkedHashMap<>(Map.of("PGAPPNAME", "starmap-bench"));
    String open = config.url;
    try {
      DatabaseUrl u = DatabaseUrl.parse(config.url);
      if (u.password() != null) {
        pe.put("PGPASSWORD", u.password());
      }
      open = u.withPassword(null).psqlUrl();
    } catch (IllegalArgumentException e) {
      // Not a URL Starmap reads (psql's own forms): given to psql as it is.
    }
    this.psqlEnv = Map.copyOf(pe);
    this.publicUrl = open;
    Map<String, String> ie = new LinkedHashMap<>(config.importEnv);
    ie.put("STARMAP_DB", config.url);
    this.importEnv = Map.copyOf(ie);
  }

  /** Runs the benchmark and returns its results. */
  public Report run() {
    Path logs = config.benchDir.resolve("logs");
    Path scripts = config.benchDir.resolve("scripts");
    try {
      OwnerOnly.createDirectories(logs);
      OwnerOnly.createDirectories(scripts);
    } catch (IOException e) {
      throw new BenchException("cannot create " + config.benchDir + ": " + e.getMessage(), e);
    }
    Map<String, String> env = environment();
    env.put("load average before", loadAverage());
    psql("DROP TABLE IF EXISTS " + config.table,
        "CREATE TABLE " + config.table + " (code VARCHAR(10), date DATE, value FLOAT)");

    String help = importHelp();
    List<Case> cases = new ArrayList<>();
    DataSet first = null;
    for (Shape shape : config.shapes) {
      DataSet data = dataSet(shape);
      first = first == null ? data : first;
      cases.addAll(casesOf(shape, data, help, scripts, logs));
    }
    warmUp(first, logs);
    for (int round = 1; round <= config.repeat; round++) {
      List<Case> order = new ArrayList<>(cases);
      Collections.shuffle(order, new Random(config.orderSeed + round));
      int i = 0;
      for (Case c : order) {
        i++;
        if (c.error != null || c.once && round > 1) {
          continue;
        }
        log.accept(String.format(Locale.ROOT, "round %d/%d, case %d/%d: %s / %s / %s", round,
            config.repeat, i, order.size(), c.shape.label(), c.group, c.name));
        try {
          reset();
          long t0 = System.nanoTime();
          c.action.run();
          double s = (System.nanoTime() - t0) / 1e9;
          long count = Long.parseLong(psqlValue("SELECT count(*) FROM " + config.table));
          if (count != c.data.rows) {
            throw new BenchException("loaded " + count + " rows instead of " + c.data.rows);
          }
          c.seconds.add(s);
          log.accept(String.format(Locale.ROOT, "  %.2f s", s));
        } catch (BenchException e) {
          c.error = e.getMessage();
          log.accept("  failed: " + e.getMessage());
          if (c.group.equals(IMPORTER) || c.group.equals(PSQL) && c.name.endsWith("x1")) {
            throw new BenchException(c.shape.label() + " / " + c.group + " / " + c.name
                + " failed: " + e.getMessage(), e);
          }
        }
      }
    }
    env.put("load average after", loadAverage());
    return new Report(env, results(cases));
  }

  /**
   * One untimed import of the first data set before the measured runs, which trains bin/starmap's
   * class archive on a real import ({@code STARMAP_ARCHIVE_TRAIN=1}: again, even if one exists).
   * On JDK 25 the archive keeps the methods' profiles too, so the JIT starts from them: an
   * archive trained on a tiny import made the default shape about 5% slower (1.81 against 1.72 s
   * mean, 5 interleaved runs). Asked to wait for the archive ({@code STARMAP_ARCHIVE_WAIT=1}),
   * the launcher assembles it here instead of in a measured run or beside one.
   */
  private void warmUp(DataSet data, Path logs) {
    if (data == null) {
      return;
    }
    List<String> cmd = new ArrayList<>(config.launcher);
    cmd.addAll(List.of("import", data.dir.toString(), "--table", config.table));
    cmd.addAll(config.importArgs);
    Map<String, String> env = new LinkedHashMap<>(importEnv);
    env.put("STARMAP_ARCHIVE_WAIT", "1");
    env.put("STARMAP_ARCHIVE_TRAIN", "1");
    try {
      log.accept("warm-up: one import of " + data.dir.getFileName()
          + " (trains the launcher's class archive on it)");
      reset();
      Processes.run(cmd, env, logs.resolve("warmup.log"));
    } catch (BenchException e) {
      // only a warm-up: the measured runs report their own failures
      log.accept("  warm-up failed: " + e.getMessage());
    }
  }

  private List<Result> results(List<Case> cases) {
    Map<Shape, Double> bestPsql = new LinkedHashMap<>();
    Map<Shape, Double> bestMedianPsql = new LinkedHashMap<>();
    for (Case c : cases) {
      if (c.group.equals(PSQL) && !c.seconds.isEmpty()) {
        double b = c.seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        bestPsql.merge(c.shape, b, Math::min);
        bestMedianPsql.merge(c.shape, median(c.seconds), Math::min);
      }
    }
    List<Result> out = new ArrayList<>();
    for (Shape shape : config.shapes) {
      for (Case c : cases) {
        if (c.shape != shape) {
          continue;
        }
        Double ratio = null;
        Double medianRatio = null;
        if (!c.seconds.isEmpty() && bestPsql.containsKey(shape)) {
          double b = c.seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
          ratio = b / bestPsql.get(shape);
          medianRatio = median(c.seconds) / bestMedianPsql.get(shape);
        }
        Double target = c.group.equals(IMPORTER) ? (shape == Shape.DEFAULT ? 1.05 : 1.2) : null;
        out.add(new Result(shape, c.group, c.name, c.data.files.size(), c.data.rows,
            List.copyOf(c.seconds), ratio, medianRatio, target, c.error));
      }
    }
    return out;
  }

  static double median(List<Double> seconds) {
    double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** One thing to time: a command line or a set of processes that loads a data set. */
  private static final class Case {
    final Shape shape;
    final String group;
    final String name;
    final DataSet data;
    final Runnable action;
    final List<Double> seconds = new ArrayList<>();
    String error;
    /** Slow cases (one process or one transaction per file) run in the first round only. */
    boolean once;

    Case(Shape shape, String group, String name, DataSet data, Runnable action) {
      this.shape = shape;
      this.group = group;
      this.name = name;
      this.data = data;
      this.action = action;
    }
  }

  /** The files of one shape, largest first, and their rows. */
  private record DataSet(Path dir, List<Path> files, List<Long> sizes, long rows) {}

  private List<Case> casesOf(Shape shape, DataSet data, String help, Path scripts, Path logs) {
    List<Case> cases = new ArrayList<>();
    String tag = shape.label();
    cases.add(importerCase(shape, IMPORTER, "default", List.of(), data, logs));
    if (shape == Shape.DEFAULT) {
      for (Map.Entry<String, List<String>> e : exercises(help).entrySet()) {
        cases.add(importerCase(shape, EXERCISE, e.getKey(), e.getValue(), data, logs));
      }
    }
    boolean manyFiles = data.files.size() > config.talkMaxFiles;
    for (int n = 1; n <= config.maxStreams; n++) {
      // One transaction per file: with many files the commits (fsync) dominate, so only the
      // widest run is worth its minutes.
      if (n <= data.files.size() && (!manyFiles || n == config.maxStreams)) {
        Case c = copyPerFileStreams(shape, data, n, scripts.resolve(tag), logs);
        c.once = manyFiles;
        cases.add(c);
      }
      cases.add(pipedStreams(shape, data, n, scripts.resolve(tag), logs));
    }
    if (config.talkScripts && data.files.size() <= config.talkMaxFiles) {
      cases.add(talkScript(shape, data, 1, logs));
      if (data.files.size() > 1) {
        cases.add(talkScript(shape, data, 2, logs));
      }
    }
    return cases;
  }

  /**
   * The talk's exercises that this importer can answer, from the options its {@code --help}
   * lists: executors, 1..2N workers, a shared connection, binary COPY.
   */
  Map<String, List<String>> exercises(String help) {
    Map<String, List<String>> ex = new LinkedHashMap<>();
    int cores = Runtime.getRuntime().availableProcessors();
    if (!config.exercises) {
      ex.putAll(config.extraExercises);
      return ex;
    }
    if (help.contains("--executor")) {
      for (String e : List.of("threads", "virtual", "processes")) {
        ex.put("--executor " + e, List.of("--executor", e));
      }
    }
    if (help.contains("--workers")) {
      for (int w = 1; w <= 2 * cores; w++) {
        ex.put("--workers " + w, List.of("--workers", Integer.toString(w)));
      }
    }
    if (help.contains("--connections")) {
      ex.put("--connections shared", List.of("--connections", "shared"));
    }
    if (help.contains("--copy-format")) {
      // the importer's default is binary: the exercise is the other one
      ex.put("--copy-format text", List.of("--copy-format", "text"));
    }
    ex.putAll(config.extraExercises);
    return ex;
  }

  private Case importerCase(Shape shape, String group, String name, List<String> extra,
      DataSet data, Path logs) {
    List<String> cmd = new ArrayList<>(config.launcher);
    cmd.addAll(List.of("import", data.dir.toString(), "--table", config.table));
    cmd.addAll(config.importArgs);
    cmd.addAll(extra);
    Path logFile = logs.resolve(slug(shape.label() + "-" + group + "-" + name) + ".log");
    return new Case(shape, group, name, data,
        () -> Processes.run(cmd, importEnv, logFile));
  }

  /**
   * N psql sessions, each running {@code \copy} of its share of the files: one COPY and one
   * transaction per file, like an importer that commits each file.
   */
  private Case copyPerFileStreams(Shape shape, DataSet data, int n, Path dir, Path logs) {
    List<List<Path>> bins = balance(data, n);
    List<List<String>> cmds = new ArrayList<>();
    try {
      OwnerOnly.createDirectories(dir);
      for (int i = 0; i < bins.size(); i++) {
        Path script = dir.resolve("copy-" + n + "-" + i + ".sql");
        StringBuilder sb = new StringBuilder();
        for (Path f : bins.get(i)) {
          sb.append("\\copy ").append(config.table).append(" from ")
              .append(quote(f.toString())).append(" with (format csv)\n");
        }
        writeOwnerOnly(script, sb);
        cmds.add(psqlCommand(List.of("-f", script.toString())));
      }
    } catch (IOException e) {
      throw new BenchException("cannot write psql scripts in " + dir + ": " + e.getMessage(), e);
    }
    Path logFile = logs.resolve(slug(shape.label() + "-psql-copy-" + n) + ".log");
    return new Case(shape, PSQL, "\\copy per file x" + n, data, () -> parallel(cmds, logFile));
  }

  /**
   * N psql sessions, each running one {@code COPY FROM STDIN} of its share of the bytes, piped in
   * by {@code cat} (or by {@code tail | head} for line-aligned ranges of a single file): one
   * transaction per stream, the least the server can be asked to do.
   */
  private Case pipedStreams(Shape shape, DataSet data, int n, Path dir, Path logs) {
    String copy = "COPY " + config.table + " FROM STDIN WITH (FORMAT csv)";
    List<List<String>> cmds = new ArrayList<>();
    try {
      OwnerOnly.createDirectories(dir);
      if (data.files.size() == 1) {
        Path f = data.files.get(0);
        long[] cuts = lineCuts(f, n);
        for (int i = 0; i + 1 < cuts.length; i++) {
          if (cuts[i + 1] > cuts[i]) {
            cmds.add(List.of("/bin/sh", "-c", "tail -c +" + (cuts[i] + 1) + " " + shq(f)
                + " | head -c " + (cuts[i + 1] - cuts[i]) + " | " + psqlShell(copy)));
          }
        }
      } else {
        List<List<Path>> bins = balance(data, n);
        for (int i = 0; i < bins.size(); i++) {
          Path list = dir.resolve("pipe-" + n + "-" + i + ".list");
          StringBuilder sb = new StringBuilder();
          for (Path f : bins.get(i)) {
            sb.append(f).append('\0');
          }
          writeOwnerOnly(list, sb);
          cmds.add(List.of("/bin/sh", "-c", "xargs -0 cat < " + shq(list) + " | "
              + psqlShell(copy)));
        }
      }
    } catch (IOException e) {
      throw new BenchException("cannot write file lists in " + dir + ": " + e.getMessage(), e);
    }
    Path logFile = logs.resolve(slug(shape.label() + "-psql-pipe-" + n) + ".log");
    return new Case(shape, PSQL, "cat | COPY FROM STDIN x" + n, data,
        () -> parallel(cmds, logFile));
  }

  /**
   * The talk's script: one {@code psql -c COPY} process per file (text format, comma delimiter,
   * as in the talk, but {@code \copy} so that the client reads the file), {@code width} at a time.
   */
  private Case talkScript(Shape shape, DataSet data, int width, Path logs) {
    Path logFile = logs.resolve(slug(shape.label() + "-talk-" + width) + ".log");
    String name = "one psql per file x" + width;
    Case talk = new Case(shape, TALK, name, data, () -> {
      AtomicInteger next = new AtomicInteger();
      List<Path> files = data.files;
      Runnable worker = () -> {
        for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
          Processes.run(psqlCommand(List.of("-c", "\\copy " + config.table + " from "
              + quote(files.get(i).toString()) + " with (delimiter ',')")), psqlEnv, logFile);
        }
      };
      runAll(Collections.nCopies(width, worker));
    });
    talk.once = true;
    return talk;
  }

  private void parallel(List<List<String>> cmds, Path logFile) {
    List<Process> started = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>(psqlEnv);
    env.put("BENCH_URL", publicUrl);
    try {
      for (List<String> cmd : cmds) {
        started.add(Processes.start(cmd, env, logFile));
      }
      for (int i = 0; i < started.size(); i++) {
        Processes.await(started.get(i), cmds.get(i), logFile);
      }
    } finally {
      for (Process p : started) {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
      }
    }
  }

  private static void runAll(List<Runnable> workers) {
    ExecutorService pool = Executors.newFixedThreadPool(workers.size());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable w : workers) {
        futures.add(pool.submit(w));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          if (e.getCause() instanceof BenchException b) {
            throw b;
          }
          throw new BenchException(String.valueOf(e.getCause()), e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The files spread over {@code n} bins of about equal bytes (largest first, emptiest bin). */
  private static List<List<Path>> balance(DataSet data, int n) {
    int bins = Math.min(n, data.files.size());
    List<List<Path>> out = new ArrayList<>();
    long[] load = new long[bins];
    for (int i = 0; i < bins; i++) {
      out.add(new ArrayList<>());
    }
    for (int i = 0; i < data.files.size(); i++) {
      int min = 0;
      for (int b = 1; b < bins; b++) {
        if (load[b] < load[min]) {
          min = b;
        }
      }
      out.get(min).add(data.files.get(i));
      load[min] += data.sizes.get(i);
    }
    return out;
  }

  /** {@code n + 1} offsets that cut {@code f} into about equal ranges of whole lines. */
  static long[] lineCuts(Path f, int n) throws IOException {
    long size = Files.size(f);
    long[] cuts = new long[n + 1];
    cuts[n] = size;
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
      for (int i = 1; i < n; i++) {
        long pos = Math.max(cuts[i - 1], size * i / n);
        raf.seek(pos);
        int b;
        while (pos < size && (b = raf.read()) != '\n' && b != -1) {
          pos++;
        }
        cuts[i] = Math.min(size, pos + 1);
      }
    }
    return cuts;
  }

  private DataSet dataSet(Shape shape) {
    PriceGenerator.Builder b = PriceGenerator.builder().days(config.days)
        .securities(config.securities).seed(config.seed);
    switch (shape) {
      case SPLIT -> b.filesPerDay(Math.min(config.splitFilesPerDay, config.securities));
      case SINGLE -> b.singleFile(true);
      default -> { }
    }
    PriceGenerator gen = b.build();
    Path dir = config.benchDir.resolve("data").resolve(gen.key());
    Path complete = dir.resolve(".complete");
    try {
      if (!Files.exists(complete)) {
        log.accept("generating " + gen.fileCount() + " files, " + gen.rows() + " rows in " + dir);
        if (Files.exists(dir)) {
          deleteTree(dir);
        }
        var report = gen.writeTo(dir);
        writeOwnerOnly(complete, report.files() + " files, " + report.rows() + " rows, "
            + report.bytes() + " bytes\n");
        log.accept(String.format(Locale.ROOT, "  %d files, %.1f MB in %.1f s", report.files(),
            report.bytes() / 1e6, report.elapsed().toMillis() / 1e3));
      }
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
      return new DataSet(dir, List.copyOf(bySize), bySize.stream().map(sizes::get).toList(),
          gen.rows());
    } catch (IOException e) {
      throw new BenchException("cannot prepare the data set in " + dir + ": " + e.getMessage(),
          e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private void reset() {
    // The importer's ledger (io.starmap.importer.internal.Ledger) remembers what was loaded:
    // forgetting the table's rows makes every run a first import, as a user's would be, instead of
    // a --force reload that hashes every file first and deletes the old entries. Its key is the
    // table's qualified name and oid (Sql.tableInfo), e.g. public.bench_price#16384.
    psql("TRUNCATE " + config.table, "DO $$ BEGIN IF to_regclass('" + LEDGER + "') IS NOT NULL "
        + "THEN DELETE FROM " + LEDGER + " WHERE table_name IN ('" + config.table + "', 'public."
        + config.table + "') OR table_name LIKE 'public." + config.table + "#%'; END IF; END $$",
        "CHECKPOINT");
  }

  private List<String> psqlCommand(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(config.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1",
        "-d", publicUrl));
    cmd.addAll(args);
    return cmd;
  }

  private String psqlShell(String sql) {
    return shq(config.psql) + " -X -q -v ON_ERROR_STOP=1 -d \"$BENCH_URL\" -c " + shq(sql);
  }

  private void psql(String... statements) {
    List<String> args = new ArrayList<>();
    for (String s : statements) {
      args.add("-c");
      args.add(s);
    }
    Processes.capture(psqlCommand(args), psqlEnv);
  }

  private String psqlValue(String sql) {
    return Processes.capture(psqlCommand(List.of("-t", "-A", "-c", sql)), psqlEnv);
  }

  private String importHelp() {
    List<String> cmd = new ArrayList<>(config.launcher);
    cmd.addAll(List.of("import", "--help"));
    try {
      return Processes.capture(cmd, importEnv);
    } catch (BenchException e) {
      throw new BenchException("the importer does not answer '" + Processes.shortCommand(cmd)
          + "': " + e.getMessage(), e);
    }
  }

  /** The machine and the versions of the software, for the report. */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("cores (nproc)", Integer.toString(Runtime.getRuntime().availableProcessors()));
    env.put("CPU", firstMatch(Path.of("/proc/cpuinfo"), "model name"));
    String mem = firstMatch(Path.of("/proc/meminfo"), "MemTotal");
    try {
      env.put("RAM", String.format(Locale.ROOT, "%.1f GiB",
          Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0));
    } catch (NumberFormatException e) {
      env.put("RAM", mem);
    }
    env.put("OS", firstMatch(Path.of("/etc/os-release"), "PRETTY_NAME").replace("\"", "")
        + ", kernel " + System.getProperty("os.version"));
    env.put("JDK", "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
    List<String> version = new ArrayList<>(config.launcher);
    version.add("--version");
    env.put("starmap", firstLine(tryCapture(version, importEnv)));
    env.put("PostgreSQL server", tryPsqlValue("SELECT version()"));
    env.put("server settings", tryPsqlValue("SELECT string_agg(name || '=' || setting, ', ' "
        + "ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', "
        + "'full_page_writes', 'shared_buffers', 'max_wal_size', 'wal_level')"));
    env.put("psql", tryCapture(List.of(config.psql, "--version"), Map.of()) + " (" + config.psql
        + ")");
    return env;
  }

  private String tryPsqlValue(String sql) {
    try {
      return psqlValue(sql);
    } catch (BenchException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String tryCapture(List<String> cmd, Map<String, String> env) {
    try {
      return Processes.capture(cmd, env);
    } catch (BenchException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return String.join(" ", Arrays.copyOf(f, 3));
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String firstMatch(Path file, String key) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith(key)) {
          int sep = line.indexOf(line.contains(":") ? ':' : '=');
          return line.substring(sep + 1).strip();
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return "unknown";
    }
    return "unknown";
  }

  /**
   * The psql to run: Debian's {@code psql} on the PATH is a Perl wrapper that costs tens of
   * milliseconds per process, so the newest real binary behind it is taken when there is one.
   */
  public static String findPsql() {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> s = Files.list(lib)) {
        var best = s.map(d -> d.resolve("bin/psql")).filter(Files::isExecutable)
            .max(Comparator.comparingInt(p -> {
              try {
                return Integer.parseInt(p.getParent().getParent().getFileName().toString());
              } catch (NumberFormatException e) {
                return -1;
              }
            }));
        if (best.isPresent()) {
          return best.get().toString();
        }
      } catch (IOException e) {
        // fall back to the PATH
      }
    }
    return "psql";
  }

  /** A SQL string literal. */
  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A shell word. */
  private static String shq(Object s) {
    return "'" + s.toString().replace("'", "'\\''") + "'";
  }

  private static String slug(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  /** Writes {@code text} as a new file, mode 600 from its creation (it may be in the home). */
  private static void writeOwnerOnly(Path file, CharSequence text) throws IOException {
    Files.deleteIfExists(file);
    try (var out = OwnerOnly.newOutputStream(file)) {
      out.write(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}

package io.starmap.cli.bench;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Measures {@code starmap import} side by side with the server's limit ({@code psql} COPY
 * streams of the same files), the talk's own scripts (one {@code psql} per file) and the talk's
 * exercises (executors, workers, shared connection), against the same server: whole-process wall
 * times, and the CPU time of the case's processes and of the server's ({@link CpuMeter}). One
 * shape after the other, each after an untimed import of its data that trains the launcher's
 * class archive, every case of the shape runs {@code repeat} times, in a shuffled order each round
 * so that the noise of a shared machine falls on every case alike; the table is truncated (its
 * ledger rows deleted and vacuumed) and checkpointed before each run and its row count checked
 * after.
 *
 * <p>{@link BenchConfig} says what to measure, {@link BenchData} generates the data sets, {@link
 * PsqlCases} makes the psql cases and {@link BenchEnvironment} describes the machine; this class
 * makes the importer's cases, runs every case and compares.
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
   * One line of the table.
   *
   * @param shape the data shape
   * @param group {@link #IMPORTER}, {@link #PSQL}, {@link #TALK} or {@link #EXERCISE}
   * @param name the case within its group
   * @param files the files of the shape
   * @param rows the rows loaded per run
   * @param seconds the wall times of the runs, in the order they ran
   * @param clientCpu the CPU seconds (user and system) of the processes each run started: the
   *     importer's JVM and its launcher, or the psql, cat and sh processes; empty if unknown
   * @param serverCpu the CPU seconds of the PostgreSQL server's processes during each run; empty
   *     if unknown (the server is not a local process)
   * @param ratio best time over the best psql streams time of the shape; null without psql
   * @param medianRatio median time over the best median of the psql streams of the shape
   * @param target the target ratio, for the importer's default case
   * @param error why the case failed, or null
   */
  public record Result(Shape shape, String group, String name, int files, long rows,
      List<Double> seconds, List<Double> clientCpu, List<Double> serverCpu, Double ratio,
      Double medianRatio, Double target, String error) {
    /** The best (smallest) wall time, or NaN when no run succeeded. */
    public double best() {
      return seconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    /** The median wall time, or NaN. */
    public double median() {
      return ImportBench.median(seconds);
    }

    /** The median CPU seconds of the client's processes, or NaN when unknown. */
    public double clientCpuMedian() {
      return ImportBench.median(clientCpu);
    }

    /** The median CPU seconds of the server's processes, or NaN when unknown. */
    public double serverCpuMedian() {
      return ImportBench.median(serverCpu);
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

  private final BenchConfig config;
  private final Consumer<String> log;
  private final Psql psql;
  private final PsqlCases psqlCases;
  // The URL reaches the importer in $STARMAP_DB, in its environment, which only its owner reads,
  // never on its command line, which every local user reads.
  private final Map<String, String> importEnv;

  /** A benchmark of {@code config}; {@code log} hears of each step (for a progress display). */
  public ImportBench(BenchConfig config, Consumer<String> log) {
    this.config = config;
    this.log = log;
    this.psql = new Psql(config.psql(), config.url());
    this.psqlCases = new PsqlCases(config.table(), psql);
    Map<String, String> ie = new LinkedHashMap<>(config.importEnv());
    ie.put("STARMAP_DB", config.url());
    this.importEnv = Map.copyOf(ie);
  }

  /** Runs the benchmark and returns its results. */
  public Report run() {
    Path logs = config.benchDir().resolve("logs");
    Path scripts = config.benchDir().resolve("scripts");
    try {
      OwnerOnly.createDirectories(logs);
      OwnerOnly.createDirectories(scripts);
    } catch (IOException e) {
      throw new BenchException("cannot create " + config.benchDir() + ": " + e.getMessage(), e);
    }
    Map<String, String> env = BenchEnvironment.describe(config, psql, importEnv);
    env.put("load average before", BenchEnvironment.loadAverage());
    CpuMeter cpu = CpuMeter.of(psql);
    env.put("server CPU measured", cpu.status());
    log.accept("server CPU measured: " + cpu.status());
    psql.run("DROP TABLE IF EXISTS " + config.table(),
        "CREATE TABLE " + config.table() + " (code VARCHAR(10), date DATE, value FLOAT)");
    String help = importHelp();
    Map<Shape, BenchData> data = new LinkedHashMap<>();
    for (Shape shape : config.shapes()) {
      data.put(shape, BenchData.of(config, shape, log)); // all of it before any measurement
    }
    List<BenchCase> cases = new ArrayList<>();
    for (Map.Entry<Shape, BenchData> e : data.entrySet()) {
      List<BenchCase> ofShape = casesOf(e.getKey(), e.getValue(), help, scripts, logs);
      env.put("archive of the " + e.getKey().label() + " shape",
          warmUp(e.getKey(), e.getValue(), logs));
      measure(ofShape, cpu);
      cases.addAll(ofShape);
    }
    env.put("load average after", BenchEnvironment.loadAverage());
    return new Report(env, results(cases));
  }

  /** Every round of one shape's cases, each round in its own shuffled order. */
  private void measure(List<BenchCase> cases, CpuMeter cpu) {
    for (int round = 1; round <= config.repeat(); round++) {
      List<BenchCase> order = new ArrayList<>(cases);
      Collections.shuffle(order, new Random(config.orderSeed() + round));
      for (int i = 0; i < order.size(); i++) {
        BenchCase c = order.get(i);
        if (c.error == null && !(c.once && round > 1)) {
          log.accept(String.format(Locale.ROOT, "round %d/%d, case %d/%d: %s / %s / %s", round,
              config.repeat(), i + 1, order.size(), c.shape.label(), c.group, c.name));
          time(c, cpu);
        }
      }
    }
  }

  /**
   * One timed run of {@code c} on an empty table, its rows counted after. The CPU is read around
   * the run alone, once every process of the case has been waited for.
   */
  private void time(BenchCase c, CpuMeter cpu) {
    try {
      reset();
      CpuMeter.Sample before = cpu.sample();
      long t0 = System.nanoTime();
      c.action.run();
      double s = (System.nanoTime() - t0) / 1e9;
      CpuMeter.Sample after = cpu.sample();
      long count = Long.parseLong(psql.value("SELECT count(*) FROM " + config.table()));
      if (count != c.data.rows()) {
        throw new BenchException("loaded " + count + " rows instead of " + c.data.rows());
      }
      Double client = CpuMeter.seconds(before.client(), after.client());
      Double server = CpuMeter.seconds(before.server(), after.server());
      c.add(s, client, server);
      log.accept(String.format(Locale.ROOT, "  %.2f s (CPU: client %s, server %s)", s,
          CpuMeter.format(client), CpuMeter.format(server)));
    } catch (BenchException e) {
      c.error = e.getMessage();
      log.accept("  failed: " + e.getMessage());
      if (c.group.equals(IMPORTER) || c.group.equals(PSQL) && c.name.endsWith("x1")) {
        throw new BenchException(c.shape.label() + " / " + c.group + " / " + c.name
            + " failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * One untimed import of a shape's data before its measured runs, which trains bin/starmap's
   * class archive on it ({@code STARMAP_ARCHIVE_TRAIN=1}: again, even if one exists): the shape is
   * measured as a user whose archive was trained on such data runs it. On JDK 25 the archive
   * keeps the methods' profiles too, and the JIT compiles the methods they name at their first
   * call: an archive trained on a tiny import made the default shape about 5% slower (1.81
   * against 1.72 s mean, 5 interleaved runs), and with one trained on the 522 files the JIT
   * compiled the 52,200 files' per-file methods only after thousands of calls (6% slower,
   * docs/benchmarks.md). Asked to wait for the archive ({@code STARMAP_ARCHIVE_WAIT=1}), the
   * launcher assembles it here instead of in a measured run or beside one.
   *
   * @return what the report says of the shape's archive: trained on which data, or why not
   */
  private String warmUp(Shape shape, BenchData data, Path logs) {
    List<String> cmd = new ArrayList<>(config.launcher());
    cmd.addAll(List.of("import", data.dir().toString(), "--table", config.table()));
    cmd.addAll(config.importArgs());
    Map<String, String> env = new LinkedHashMap<>(importEnv);
    env.put("STARMAP_ARCHIVE_WAIT", "1");
    env.put("STARMAP_ARCHIVE_TRAIN", "1");
    try {
      log.accept("warm-up of the " + shape.label() + " shape: one import of "
          + data.dir().getFileName() + " (trains the launcher's class archive on it)");
      reset();
      Processes.run(cmd, env, logs.resolve("warmup-" + shape.label() + ".log"));
      return "trained on " + data.dir().getFileName();
    } catch (BenchException e) {
      // only a warm-up: the measured runs report their own failures, the report this one
      log.accept("  warm-up failed: " + e.getMessage());
      return "not trained, its warm-up failed: " + e.getMessage();
    }
  }

  private List<Result> results(List<BenchCase> cases) {
    Map<Shape, Double> bestPsql = new LinkedHashMap<>();
    Map<Shape, Double> bestMedianPsql = new LinkedHashMap<>();
    for (BenchCase c : cases) {
      if (c.group.equals(PSQL) && !c.seconds.isEmpty()) {
        double b = c.seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        bestPsql.merge(c.shape, b, Math::min);
        bestMedianPsql.merge(c.shape, median(c.seconds), Math::min);
      }
    }
    List<Result> out = new ArrayList<>();
    for (Shape shape : config.shapes()) {
      for (BenchCase c : cases) {
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
        Double target = c.group.equals(IMPORTER) ? ImportTarget.of(shape, c.data.rows()) : null;
        out.add(new Result(shape, c.group, c.name, c.data.files().size(), c.data.rows(),
            List.copyOf(c.seconds), List.copyOf(c.clientCpu), List.copyOf(c.serverCpu), ratio,
            medianRatio, target, c.error));
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

  private List<BenchCase> casesOf(Shape shape, BenchData data, String help, Path scripts,
      Path logs) {
    List<BenchCase> cases = new ArrayList<>();
    String tag = shape.label();
    cases.add(importerCase(shape, IMPORTER, "default", List.of(), data, logs));
    if (shape == Shape.DEFAULT) {
      for (Map.Entry<String, List<String>> e : exercises(help).entrySet()) {
        cases.add(importerCase(shape, EXERCISE, e.getKey(), e.getValue(), data, logs));
      }
    }
    boolean manyFiles = data.files().size() > config.talkMaxFiles();
    for (int n = 1; n <= config.maxStreams(); n++) {
      // One transaction per file: with many files the commits (fsync) dominate, so only the
      // widest run is worth its minutes.
      if (n <= data.files().size() && (!manyFiles || n == config.maxStreams())) {
        BenchCase c = psqlCases.copyPerFileStreams(shape, data, n, scripts.resolve(tag), logs);
        c.once = manyFiles;
        cases.add(c);
      }
      cases.add(psqlCases.pipedStreams(shape, data, n, scripts.resolve(tag), logs));
    }
    if (config.talkScripts() && data.files().size() <= config.talkMaxFiles()) {
      cases.add(psqlCases.talkScript(shape, data, 1, logs));
      if (data.files().size() > 1) {
        cases.add(psqlCases.talkScript(shape, data, 2, logs));
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
    if (!config.exercises()) {
      ex.putAll(config.extraExercises());
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
    ex.putAll(config.extraExercises());
    return ex;
  }

  private BenchCase importerCase(Shape shape, String group, String name, List<String> extra,
      BenchData data, Path logs) {
    List<String> cmd = new ArrayList<>(config.launcher());
    cmd.addAll(List.of("import", data.dir().toString(), "--table", config.table()));
    cmd.addAll(config.importArgs());
    cmd.addAll(extra);
    Path logFile = logs.resolve(Scripts.slug(shape.label() + "-" + group + "-" + name) + ".log");
    return new BenchCase(shape, group, name, data,
        () -> Processes.run(cmd, importEnv, logFile));
  }

  private void reset() {
    // The importer's ledger (io.starmap.importer.internal.Ledger) remembers what was loaded:
    // forgetting the table's rows makes every run a first import, as a user's would be, instead of
    // a --force reload that hashes every file first and deletes the old entries. Its key is the
    // table's qualified name and oid (Sql.tableInfo), e.g. public.bench_price#16384.
    // The deleted rows are vacuumed too: an autovacuum of them would fall in some measured run,
    // and with the shapes run one after the other, in one shape's runs only.
    String table = config.table();
    List<String> sql = new ArrayList<>(List.of("TRUNCATE " + table));
    if (psql.value("SELECT to_regclass('" + LEDGER + "') IS NOT NULL").strip().equals("t")) {
      sql.add("DELETE FROM " + LEDGER + " WHERE table_name IN ('" + table + "', 'public." + table
          + "') OR table_name LIKE 'public." + table + "#%'");
      sql.add("VACUUM " + LEDGER);
    }
    sql.add("CHECKPOINT");
    psql.run(sql.toArray(String[]::new));
  }

  private String importHelp() {
    List<String> cmd = new ArrayList<>(config.launcher());
    cmd.addAll(List.of("import", "--help"));
    try {
      return Processes.capture(cmd, importEnv);
    } catch (BenchException e) {
      throw new BenchException("the importer does not answer '" + Processes.shortCommand(cmd)
          + "': " + e.getMessage(), e);
    }
  }
}

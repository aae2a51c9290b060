package io.starmap.cli;

import io.starmap.cli.bench.BenchConfig;
import io.starmap.cli.bench.BenchException;
import io.starmap.cli.bench.BenchMarkdown;
import io.starmap.cli.bench.ImportBench;
import io.starmap.importer.db.Database;
import io.starmap.store.StarmapHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code starmap bench}: benchmarks run as a user would run the commands. */
@Command(name = "bench", description = "Benchmarks, measured side by side on this machine.",
    subcommands = BenchCommand.Import.class, mixinStandardHelpOptions = true)
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code starmap bench import}: the importer against psql COPY streams of the same data. */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = {"Generate the talk's data set (cached) and time, side by side on the same "
          + "server, whole processes: 'starmap import', N parallel psql COPY streams (the "
          + "server's limit), the talk's scripts (one psql per file) and the talk's exercises "
          + "(executors, workers, shared connection). Needs psql (Debian: postgresql-client)."})
  public static final class Import implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin DbOption db;

    @Option(names = "--quick", description = "A small data set, 1 run, few cases: for tests.")
    boolean quick;

    @Option(names = "--days", paramLabel = "N", description = "Business days (default 522).")
    Integer days;

    @Option(names = "--securities", paramLabel = "N",
        description = "Rows per day (default 10000).")
    Integer securities;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
        description = "Seed of the data (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--split-files-per-day", paramLabel = "K",
        description = "Files per day of the 'split' shape (default 100).")
    Integer splitFilesPerDay;

    @Option(names = "--shapes", paramLabel = "SHAPE", split = ",",
        description = "default, split, single (default: all).")
    List<ImportBench.Shape> shapes;

    @Option(names = "--repeat", paramLabel = "R",
        description = "Runs of each case, best taken (default 3; 1 with --quick).")
    Integer repeat;

    @Option(names = "--max-streams", paramLabel = "N",
        description = "psql streams measured for 1..N (default 2 x cores).")
    Integer maxStreams;

    @Option(names = "--no-talk", description = "Skip the talk's scripts (one psql per file).")
    boolean noTalk;

    @Option(names = "--talk-max-files", paramLabel = "N", defaultValue = "1000",
        description = "Run the talk's scripts only on shapes of at most N files "
            + "(default ${DEFAULT-VALUE}).")
    int talkMaxFiles;

    @Option(names = "--no-exercises", description = "Skip the exercises (executors, workers...).")
    boolean noExercises;

    @Option(names = "--exercise", paramLabel = "LABEL=ARGS",
        description = "An extra importer variant on the default shape, e.g. "
            + "'big tasks=--task-size 64' (repeatable).")
    List<String> exercise = new ArrayList<>();

    @Option(names = "--import-args", paramLabel = "ARGS",
        defaultValue = "--header no --force",
        description = "Arguments given to every importer run (default '${DEFAULT-VALUE}').")
    String importArgs;

    @Option(names = "--starmap", paramLabel = "COMMAND",
        description = "How to run starmap in a separate process (default: the bin/starmap that "
            + "started this one, as a user runs it, else this JVM's java and class path).")
    String launcher;

    @Option(names = "--table", paramLabel = "NAME", defaultValue = "bench_price",
        description = "Table to load; dropped and created (default ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "Where data, scripts and logs go (default $STARMAP_HOME/bench).")
    Path dir;

    @Option(names = "--psql", paramLabel = "PROGRAM",
        description = "The psql to run (default: the binary behind Debian's psql wrapper if "
            + "there is one, else psql on the PATH).")
    String psql;

    @Option(names = "--home", paramLabel = "DIR",
        description = "STARMAP_HOME of the importer processes, where their calculations are "
            + "recorded (default: inherited).")
    Path home;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table as "
        + "Markdown.")
    Path markdown;

    @Mixin FormatOption formatOption;

    @Override
    public void run() {
      PrintWriter err = spec.commandLine().getErr();
      BenchConfig config;
      try {
        config = config();
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage(), e, 2);
      }
      if (!onPath(config.psql()) && !Files.isExecutable(Path.of(config.psql()))) {
        throw new UserException("psql is not on the PATH: the benchmark compares with psql COPY "
            + "streams (Debian: apt-get install postgresql-client)");
      }
      checkMarkdownWritable();
      ImportBench.Report report;
      try (Database database = db.open(err)) {
        config = config.toBuilder().url(database.url().psqlUrl()).build();
        report = new ImportBench(config, line -> {
          err.println(line);
          err.flush();
        }).run();
      } catch (BenchException e) {
        throw new UserException("bench import: " + e.getMessage(), e);
      }
      String archive = archiveNote(config.launcher(), config.shapes(), report.environment());
      if (archive != null) {
        err.println(archive);
        err.flush();
      }
      Table t = new Table(BenchMarkdown.COLUMNS);
      for (ImportBench.Result r : report.results()) {
        t.row(BenchMarkdown.cells(r).toArray());
      }
      PrintWriter out = spec.commandLine().getOut();
      if (formatOption.format == Table.Format.TABLE) {
        for (Map.Entry<String, String> e : report.environment().entrySet()) {
          out.println(e.getKey() + ": " + e.getValue());
        }
        out.println();
      }
      t.view("bench").print(out, formatOption.format);
      if (markdown != null) {
        try {
          Path parent = markdown.toAbsolutePath().getParent();
          Files.createDirectories(parent);
          Files.writeString(markdown, BenchMarkdown.render(report, commandLine()));
        } catch (IOException e) {
          throw new UserException("cannot write " + markdown + ": " + e.getMessage(), e);
        }
      }
    }

    /**
     * Before the minutes of measuring: a Markdown file that cannot be written fails now. An
     * existing file needs to be writable itself (as {@code /dev/stdout} is, in a directory that
     * is not); a new one needs its directory, made here if missing, to be writable.
     */
    private void checkMarkdownWritable() {
      if (markdown == null) {
        return;
      }
      String why = null;
      if (Files.isDirectory(markdown)) {
        why = "it is a directory";
      } else if (Files.exists(markdown)) {
        why = Files.isWritable(markdown) ? null : "the file is not writable";
      } else {
        Path parent = markdown.toAbsolutePath().getParent();
        try {
          Files.createDirectories(parent);
          why = Files.isWritable(parent) ? null : "its directory " + parent + " is not writable";
        } catch (java.nio.file.FileAlreadyExistsException e) {
          why = e.getFile() + " is a file, not a directory";
        } catch (java.nio.file.AccessDeniedException e) {
          why = "permission denied to make " + e.getFile();
        } catch (IOException e) {
          why = "cannot make its directory " + parent + ": " + e.getMessage();
        }
      }
      if (why != null) {
        throw new UserException("cannot write " + markdown + ": " + why, null, 2);
      }
    }

    private String commandLine() {
      List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i).equals("--db") && i + 1 < args.size()) {
          args.set(i + 1, "URL");
        } else if (args.get(i).startsWith("--db=")) {
          args.set(i, "--db=URL");
        }
      }
      return "starmap " + String.join(" ", args.stream()
          .map(a -> a.contains(" ") ? "'" + a + "'" : a).toList());
    }

    BenchConfig config() {
      int cores = Runtime.getRuntime().availableProcessors();
      Map<String, List<String>> extra = new LinkedHashMap<>();
      for (String e : exercise) {
        int eq = e.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--exercise must be LABEL=ARGS, got '" + e + "'");
        }
        extra.put(e.substring(0, eq), words(e.substring(eq + 1)));
      }
      Path benchDir = dir != null ? dir : StarmapHome.resolve().resolve("bench");
      BenchConfig.Builder b = BenchConfig.builder(benchDir, "unset")
          .launcher(launcher != null ? words(launcher) : defaultLauncher())
          .days(days != null ? days : quick ? 3 : 522)
          .securities(securities != null ? securities : quick ? 400 : 10_000)
          .seed(seed)
          .splitFilesPerDay(splitFilesPerDay != null ? splitFilesPerDay : quick ? 4 : 100)
          .shapes(shapes != null ? shapes : List.of(ImportBench.Shape.values()))
          .repeat(repeat != null ? repeat : quick ? 1 : 3)
          .maxStreams(maxStreams != null ? maxStreams : quick ? 2 : 2 * cores)
          .talkScripts(!noTalk)
          .talkMaxFiles(talkMaxFiles)
          .exercises(!noExercises && !quick)
          .extraExercises(extra)
          .importArgs(words(importArgs))
          .table(table)
          .importEnv(home == null ? Map.of()
              : Map.of("STARMAP_HOME", home.toAbsolutePath().toString()));
      if (psql != null) {
        b.psql(psql);
      }
      return b.build();
    }

    private static List<String> words(String s) {
      return Arrays.stream(s.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    /**
     * What to tell a user whose bin/starmap trained its import archive on the benchmark's data:
     * each shape's warm-up trained it on that shape's files, and the last one's stays, where the
     * user's own imports run best with one trained on theirs. Null when there is nothing to say
     * (another launcher, or the last warm-up failed).
     */
    static String archiveNote(List<String> launcher, List<ImportBench.Shape> shapes,
        Map<String, String> environment) {
      if (launcher.size() != 1 || !launcher.get(0).endsWith("/bin/starmap") || shapes.isEmpty()) {
        return null;
      }
      String trained = environment.get("archive of the " + shapes.get(shapes.size() - 1).label()
          + " shape");
      if (trained == null || !trained.startsWith("trained on ")) {
        return null;
      }
      return "starmap: the class archive that " + launcher.get(0) + " keeps for its imports (those"
          + " of the cluster executor have their own), where it keeps one, is now " + trained + "; an import of your own data with STARMAP_ARCHIVE_TRAIN=1 trains it on"
          + " yours";
    }

    /**
     * The bin/starmap that started this process (it says so in {@code STARMAP_LAUNCHER}): the
     * command a user runs, with its class archive; else this JVM.
     */
    static List<String> defaultLauncher() {
      String launcher = System.getenv("STARMAP_LAUNCHER");
      if (launcher != null && !launcher.isBlank() && Files.isExecutable(Path.of(launcher))) {
        return List.of(launcher);
      }
      return thisJvm();
    }

    /** The java of this process with its class path and the CLI's main class. */
    static List<String> thisJvm() {
      String java = ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      return List.of(java, "-cp", System.getProperty("java.class.path"),
          Main.class.getName());
    }

    private static boolean onPath(String program) {
      String path = System.getenv().getOrDefault("PATH", "");
      for (String d : path.split(java.io.File.pathSeparator)) {
        if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
          return true;
        }
      }
      return false;
    }
  }
}

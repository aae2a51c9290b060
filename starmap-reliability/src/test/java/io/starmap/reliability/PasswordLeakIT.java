package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.importer.testing.PostgresExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password given in {@code --db} never appears in what Starmap writes or prints: real imports
 * (URL and JDBC forms, threads and processes executors, with rejected rows, failing ones) as a
 * role with a password, then {@code calcs list}, {@code calcs search}, {@code show} and {@code
 * report}; every byte of every file under {@code $STARMAP_HOME} (calculation records, logs,
 * rejects, reports), every string and attribute of every HDF5 datastore (they may be deflated)
 * and everything the commands printed are searched for the password, plain and URL-encoded.
 *
 * <p>Passwords with a raw {@code @} (the parser splits the user info at the last one) and with
 * {@code %} (raw: a percent-encoding error; encoded: a working login) are tried too, and so is
 * the process list: while imports (processes executor) and a benchmark run with the password
 * given the ways that keep it off command lines ({@code $STARMAP_DB}, {@code --db-password-file},
 * {@code $PGPASSWORD}, {@code $PGPASSFILE}), no {@code /proc/PID/cmdline} on the machine ever
 * holds it.
 */
@Timeout(600)
class PasswordLeakIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static final String PASSWORD = "Pw-S3cr3t-7781q";
  static final String ODD_PASSWORD = "p@ss:w/rd?&x=1 Z";
  /** Written raw in URLs: the '@' must not cut the redaction short, the '%' is no escape. */
  static final String AT_PCT_PASSWORD = "Pw@x9%zzSecret";
  /** What the old redaction left of it (after the first '@'; the raw percent-encoding error). */
  static final List<String> AT_PCT_FORMS = List.of(AT_PCT_PASSWORD, "x9%zzSecret", "zzSecret",
      "x9%25zzSecret", URLEncoder.encode(AT_PCT_PASSWORD, StandardCharsets.UTF_8));

  @TempDir Path dir;

  @Test
  void thePasswordOfDbIsNeverWrittenNorPrinted() throws Exception {
    DatabaseUrl base = PG.database().url();
    PostgresExtension.exec(PG.database(), "CREATE ROLE leaky LOGIN PASSWORD '" + PASSWORD + "'");
    PostgresExtension.exec(PG.database(), "GRANT ALL ON SCHEMA public TO leaky");
    PostgresExtension.exec(PG.database(), "GRANT CREATE, CONNECT ON DATABASE " + base.database()
        + " TO leaky");
    String url = "postgresql://leaky:" + PASSWORD + "@127.0.0.1:" + base.port() + "/"
        + base.database();
    String jdbc = "jdbc:postgresql://127.0.0.1:" + base.port() + "/" + base.database()
        + "?user=leaky&password=" + PASSWORD;
    String odd = "postgresql://leaky:" + URLEncoder.encode(ODD_PASSWORD, StandardCharsets.UTF_8)
        .replace("+", "%20") + "@127.0.0.1:" + base.port() + "/" + base.database();
    String dead = "postgresql://leaky:" + PASSWORD + "@127.0.0.1:1/" + base.database();
    PostgresExtension.exec(PG.database(), "CREATE ROLE leaky2 LOGIN PASSWORD '" + AT_PCT_PASSWORD
        + "'");
    // A member of leaky: it may write to the ledger table that leaky's imports created.
    PostgresExtension.exec(PG.database(), "GRANT leaky TO leaky2");
    String rawAt = "postgresql://leaky2:Pw@x9%25zzSecret@127.0.0.1:" + base.port() + "/"
        + base.database();
    String rawPct = "postgresql://leaky2:" + AT_PCT_PASSWORD + "@127.0.0.1:" + base.port() + "/"
        + base.database();
    String jdbcRawPct = "jdbc:postgresql://127.0.0.1:" + base.port() + "/" + base.database()
        + "?user=leaky2&password=" + AT_PCT_PASSWORD;

    Path home = Files.createDirectories(dir.resolve("home"));
    Path data = Files.createDirectories(dir.resolve("data"));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 5_000; i++) {
      lines.append(i).append(",name ").append(i).append('\n');
    }
    Files.writeString(data.resolve("a.csv"), lines);
    Files.writeString(data.resolve("b.csv"), "1,ok\nnot a number,bad\n2,ok\n");

    List<String> outputs = new ArrayList<>();
    List<String[]> commands = List.of(
        new String[] {"import", data.toString(), "--table", "t1", "--create", "n int, s text",
            "--db", url, "--executor", "processes", "--workers", "2", "--max-errors", "5"},
        new String[] {"import", data.toString(), "--table", "t2", "--create", "n int, s text",
            "--db", jdbc, "--executor", "threads", "--max-errors", "5"},
        new String[] {"import", data.toString(), "--table", "t3", "--create", "n int, s text",
            "--db", odd, "--max-errors", "5"},
        new String[] {"import", data.toString(), "--table", "t4", "--create", "n int, s text",
            "--db", url},
        new String[] {"import", data.toString(), "--table", "missing", "--db", url},
        new String[] {"import", data.toString(), "--table", "t5", "--create", "n int, s text",
            "--db", dead},
        new String[] {"import", data.toString(), "--table", "t6", "--create", "n int, s text",
            "--db", "postgresql://leaky:" + PASSWORD + "@127.0.0.1:notaport/x"},
        new String[] {"import", data.toString(), "--table", "t7", "--create", "n int, s text",
            "--db", rawAt, "--executor", "processes", "--workers", "2", "--max-errors", "5"},
        new String[] {"import", data.toString(), "--table", "t8", "--create", "n int, s text",
            "--db", rawPct},
        new String[] {"sql", "--db", jdbcRawPct, "SELECT 1"},
        new String[] {"sql", "--db", rawAt.replace(":" + base.port() + "/", ":1/"), "SELECT 1"},
        new String[] {"sql", "--db", rawAt, "SELECT count(*) FROM t7"},
        new String[] {"sql", "--db", url, "SELECT count(*) FROM t1"},
        new String[] {"sql", "--db", url, "SELECT * FROM nosuchtable"},
        new String[] {"calcs", "list", "--limit", "100"},
        new String[] {"calcs", "list", "--format", "json"},
        new String[] {"calcs", "search", "leaky"},
        new String[] {"show", "tasks", "1"},
        new String[] {"report", "1", "-o", home.resolve("report1.html").toString()},
        new String[] {"report", "4", "-o", home.resolve("report4.html").toString()});
    int ok = 0;
    for (String[] args : commands) {
      Child.Result r = Child.run(home, Duration.ofMinutes(3), List.of(), args);
      outputs.add(r.output()); // what the command printed, never the command line itself
      ok += r.exit() == 0 ? 1 : 0;
      assertThat(r.output()).as("output of %s", args[0]).doesNotContain("\tat io.starmap");
    }
    assertThat(ok).as(String.join("\n", outputs)).isGreaterThanOrEqualTo(10);

    List<String> forms = new ArrayList<>(List.of(PASSWORD, ODD_PASSWORD,
        URLEncoder.encode(ODD_PASSWORD, StandardCharsets.UTF_8),
        URLEncoder.encode(ODD_PASSWORD, StandardCharsets.UTF_8).replace("+", "%20")));
    forms.addAll(AT_PCT_FORMS);
    for (String out : outputs) {
      for (String pw : forms) {
        assertThat(out).as("printed output").doesNotContain(pw);
      }
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(home)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).anyMatch(p -> p.toString().endsWith(".rejects"))
        .anyMatch(p -> p.toString().endsWith(".hdf5")).anyMatch(p -> p.toString().endsWith(".html"));
    int hdf5 = 0;
    List<String> unreadable = new ArrayList<>();
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      String asText = new String(bytes, StandardCharsets.ISO_8859_1);
      String utf16 = new String(bytes, StandardCharsets.UTF_16LE);
      for (String pw : forms) {
        assertThat(asText).as("bytes of %s", f).doesNotContain(pw);
        assertThat(utf16).as("UTF-16 of %s", f).doesNotContain(pw);
      }
      String inflated = inflateEverything(bytes);
      for (String pw : forms) {
        assertThat(inflated).as("deflated streams of %s", f).doesNotContain(pw);
      }
      if (f.toString().endsWith(".hdf5")) {
        hdf5++;
        String content;
        try {
          content = hdf5Text(f);
        } catch (RuntimeException e) {
          unreadable.add(home.relativize(f) + ": " + e.getMessage());
          continue;
        }
        for (String pw : forms) {
          assertThat(content).as("datasets and attributes of %s", f).doesNotContain(pw);
        }
      }
    }
    System.out.printf("PasswordLeakIT: %d commands, %d files (%d HDF5) searched, password not"
        + " found; HDF5 files jhdf could not walk (searched as inflated bytes): %s%n",
        commands.size(), files.size(), hdf5, unreadable);
  }

  @Test
  void thePasswordIsNeverInTheProcessList() throws Exception {
    DatabaseUrl base = PG.database().url();
    PostgresExtension.exec(PG.database(), "CREATE ROLE hidden LOGIN SUPERUSER PASSWORD '"
        + AT_PCT_PASSWORD + "'");
    String at = "127.0.0.1:" + base.port() + "/" + base.database();
    String withPassword = "postgresql://hidden:Pw@x9%25zzSecret@" + at;
    String withoutPassword = "postgresql://hidden@" + at;
    Path home = Files.createDirectories(dir.resolve("home"));
    Path data = Files.createDirectories(dir.resolve("data"));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      lines.append(i).append(",name ").append(i).append('\n');
    }
    Files.writeString(data.resolve("a.csv"), lines);
    Files.writeString(data.resolve("b.csv"), lines);
    Path pwFile = dir.resolve("pw");
    Files.writeString(pwFile, AT_PCT_PASSWORD + "\n");
    Path pgpass = dir.resolve("pgpass");
    Files.writeString(pgpass, "127.0.0.1:*:*:hidden:" + AT_PCT_PASSWORD + "\n");
    Files.setPosixFilePermissions(pgpass, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));

    ProcessListWatch watch = ProcessListWatch.start(AT_PCT_FORMS);
    try {
      List<String> imp = List.of("import", data.toString(), "--create", "n int, s text",
          "--executor", "processes", "--workers", "2");
      runOk(home, Map.of("STARMAP_DB", withPassword), concat(imp, "--table", "p1"));
      runOk(home, Map.of(), concat(imp, "--table", "p2", "--db", withoutPassword,
          "--db-password-file", pwFile.toString()));
      runOk(home, Map.of("PGPASSWORD", AT_PCT_PASSWORD),
          concat(imp, "--table", "p3", "--db", withoutPassword));
      runOk(home, Map.of("PGPASSFILE", pgpass.toString()),
          List.of("sql", "--db", withoutPassword, "SELECT count(*) FROM p1"));
      if (onPath("psql")) {
        // The benchmark's children: the importer and psql, each with the URL.
        runOk(home, Map.of("STARMAP_DB", withPassword), List.of("bench", "import", "--quick",
            "--shapes", "single", "--no-talk", "--no-exercises", "--repeat", "1",
            "--dir", dir.resolve("bench").toString(), "--home", home.toString()));
      }
    } finally {
      watch.stop();
    }
    assertThat(watch.processesSeen()).as("processes looked at").isGreaterThan(10);
    assertThat(watch.leaks()).as("command lines holding the password").isEmpty();
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }

  private void runOk(Path home, Map<String, String> env, List<String> args) throws Exception {
    Path log = Files.createTempFile(dir, "child-", ".log");
    ProcessBuilder b = Child.cli(home, log, List.of(), args);
    b.environment().remove("PGPASSWORD");
    b.environment().remove("PGPASSFILE");
    b.environment().putAll(env);
    Process p = b.start();
    if (!p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("starmap " + args + " did not end in 5 minutes");
    }
    String out = Files.readString(log, StandardCharsets.ISO_8859_1);
    assertThat(p.exitValue()).as("starmap %s (env %s): %s", args.get(0), env.keySet(), out)
        .isZero();
    for (String pw : AT_PCT_FORMS) {
      assertThat(out).as("output of %s", args).doesNotContain(pw);
    }
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads {@code /proc/PID/cmdline} of every process on the machine, again and again, while the
   * commands run: what any local user can read of them.
   */
  static final class ProcessListWatch {
    private final List<String> secrets;
    private final java.util.Set<String> leaks = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private final Thread thread;

    private ProcessListWatch(List<String> secrets) {
      this.secrets = secrets;
      this.thread = new Thread(this::loop, "process-list-watch");
      thread.setDaemon(true);
    }

    static ProcessListWatch start(List<String> secrets) {
      ProcessListWatch w = new ProcessListWatch(secrets);
      w.thread.start();
      return w;
    }

    private void loop() {
      while (running) {
        try (java.nio.file.DirectoryStream<Path> procs =
            Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
          for (Path proc : procs) {
            byte[] raw;
            try {
              raw = Files.readAllBytes(proc.resolve("cmdline"));
            } catch (java.io.IOException e) {
              continue; // ended meanwhile
            }
            String cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
            seen.add(proc.getFileName() + " " + cmd.split(" ", 2)[0]);
            if (secrets.stream().anyMatch(cmd::contains)) {
              // Recorded without the password, so that the failure message does not leak it.
              String shown = cmd;
              for (String pw : secrets.stream()
                  .sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList()) {
                shown = shown.replace(pw, "<PASSWORD>");
              }
              int at = Math.max(0, shown.indexOf("<PASSWORD>"));
              leaks.add("pid " + proc.getFileName() + " " + cmd.split(" ", 2)[0] + ": ..."
                  + shown.substring(Math.max(0, at - 150), Math.min(shown.length(), at + 150)));
            }
          }
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(10_000);
    }

    java.util.Set<String> leaks() {
      return leaks;
    }

    int processesSeen() {
      return seen.size();
    }
  }

  /**
   * The output of every zlib stream found at any offset of {@code bytes}: whatever a file deflated
   * (HDF5 chunks, compressed pages), without trusting its format.
   */
  static String inflateEverything(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    byte[] out = new byte[1 << 16];
    for (int i = 0; i + 1 < bytes.length; i++) {
      int cmf = bytes[i] & 0xff;
      int flg = bytes[i + 1] & 0xff;
      if (cmf != 0x78 || ((cmf << 8) | flg) % 31 != 0) {
        continue;
      }
      java.util.zip.Inflater inf = new java.util.zip.Inflater();
      try {
        inf.setInput(bytes, i, bytes.length - i);
        int n;
        while ((n = inf.inflate(out)) > 0) {
          sb.append(new String(out, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (java.util.zip.DataFormatException e) {
        // not a stream after all
      } finally {
        inf.end();
      }
    }
    return sb.toString();
  }

  /** Every dataset value and attribute of an HDF5 file, as text (after decompression). */
  static String hdf5Text(Path file) {
    StringBuilder sb = new StringBuilder();
    try (HdfFile h = new HdfFile(file)) {
      walk(h, sb);
    }
    return sb.toString();
  }

  private static void walk(Node node, StringBuilder sb) {
    sb.append(node.getPath()).append('\n');
    for (Attribute a : node.getAttributes().values()) {
      sb.append(a.getName()).append('=').append(text(a.getData())).append('\n');
    }
    if (node instanceof Dataset d) {
      sb.append(text(d.getData())).append('\n');
    } else if (node instanceof Group g) {
      for (Node child : g.getChildren().values()) {
        walk(child, sb);
      }
    }
  }

  private static String text(Object data) {
    return data instanceof Object[] a ? Arrays.deepToString(a)
        : data == null ? "null" : data.getClass().isArray()
            ? Arrays.deepToString(new Object[] {data}) : data.toString();
  }
}

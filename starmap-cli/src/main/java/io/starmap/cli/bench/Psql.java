package io.starmap.cli.bench;

import io.starmap.importer.db.DatabaseUrl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The benchmark's psql: its command lines and the environment that carries the password. The URL
 * and its password reach the child processes through their environment, which only their owner
 * can read ({@code /proc/PID/environ} is 0400), never through their command lines, which every
 * local user reads ({@code /proc/PID/cmdline}): psql gets a URL without the password and {@code
 * $PGPASSWORD}.
 */
final class Psql {
  private final String program;
  private final Map<String, String> env;
  private final String publicUrl;

  Psql(String program, String url) {
    this.program = program;
    Map<String, String> pe = new LinkedHashMap<>(Map.of("PGAPPNAME", "starmap-bench"));
    String open = url;
    try {
      DatabaseUrl u = DatabaseUrl.parse(url);
      if (u.password() != null) {
        pe.put("PGPASSWORD", u.password());
      }
      open = u.withPassword(null).psqlUrl();
    } catch (IllegalArgumentException e) {
      // Not a URL Starmap reads (psql's own forms): given to psql as it is.
    }
    this.env = Map.copyOf(pe);
    this.publicUrl = open;
  }

  /** The environment of psql processes (with the password, if the URL has one). */
  Map<String, String> env() {
    return env;
  }

  /** The URL without its password. */
  String publicUrl() {
    return publicUrl;
  }

  /** psql with {@code args}, on the server, stopping at the first error. */
  List<String> command(List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(program, "-X", "-q", "-v", "ON_ERROR_STOP=1",
        "-d", publicUrl));
    cmd.addAll(args);
    return cmd;
  }

  /** A shell command running {@code sql}; the URL comes from {@code $BENCH_URL}. */
  String shell(String sql) {
    return Scripts.shq(program) + " -X -q -v ON_ERROR_STOP=1 -d \"$BENCH_URL\" -c "
        + Scripts.shq(sql);
  }

  /** Runs the statements, each in its own {@code -c}. */
  void run(String... statements) {
    List<String> args = new ArrayList<>();
    for (String s : statements) {
      args.add("-c");
      args.add(s);
    }
    Processes.capture(command(args), env);
  }

  /** The value that {@code sql} selects. */
  String value(String sql) {
    return Processes.capture(command(List.of("-t", "-A", "-c", sql)), env);
  }

  /** The value that {@code sql} selects, or {@code unknown (why)}. */
  String tryValue(String sql) {
    try {
      return value(sql);
    } catch (BenchException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  /**
   * The psql to run: Debian's {@code psql} on the PATH is a Perl wrapper that costs tens of
   * milliseconds per process, so the newest real binary behind it is taken when there is one.
   */
  static String find() {
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
}

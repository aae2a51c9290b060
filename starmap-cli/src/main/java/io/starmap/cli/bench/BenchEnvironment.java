package io.starmap.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The machine and the versions of the software, as the benchmark's report gives them. */
final class BenchEnvironment {
  private BenchEnvironment() {}

  /** Cores, CPU, RAM, OS, JDK, starmap's version, the server's version and settings, psql. */
  static Map<String, String> describe(BenchConfig config, Psql psql,
      Map<String, String> importEnv) {
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
    List<String> version = new ArrayList<>(config.launcher());
    version.add("--version");
    env.put("starmap", firstLine(tryCapture(version, importEnv)));
    env.put("PostgreSQL server", psql.tryValue("SELECT version()"));
    env.put("server settings", psql.tryValue("SELECT string_agg(name || '=' || "
        + "current_setting(name), ', ' "
        + "ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', "
        + "'full_page_writes', 'shared_buffers', 'max_wal_size', 'wal_level', "
        + "'wal_writer_delay')"));
    env.put("psql", tryCapture(List.of(config.psql(), "--version"), Map.of()) + " ("
        + config.psql() + ")");
    return env;
  }

  /** The load average of the last 1, 5 and 15 minutes, or {@code unknown}. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return String.join(" ", Arrays.copyOf(f, 3));
    } catch (IOException | RuntimeException e) {
      return "unknown";
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
}

package io.starmap.core.internal.process;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The options of the {@code processes} executor, parsed and validated: every error names the
 * option and its bad value. Two pools with equal configurations are interchangeable.
 *
 * @param workers how many worker JVMs
 * @param jvmOptions extra options of the worker JVMs, such as {@code -Xmx512m}
 * @param allowedPackages class-name prefixes allowed through the codec, besides the JDK's value
 *     types, Starmap's classes and the task's own package
 * @param memoryLimitBytes per-worker resident memory limit, 0 for none
 * @param maxTasksPerWorker tasks after which a worker is replaced, 0 for never
 * @param pipelineDepth tasks sent ahead to one worker
 * @param codec {@code java} or the class name of a {@link io.starmap.core.spi.Codec}
 * @param startTimeout how long a worker may take to start
 * @param options the options as given, for the pool's key and for reports
 */
record PoolConfig(
    int workers,
    List<String> jvmOptions,
    List<String> allowedPackages,
    long memoryLimitBytes,
    int maxTasksPerWorker,
    int pipelineDepth,
    String codec,
    Duration startTimeout,
    Map<String, String> options) {

  static final Set<String> KEYS = Set.of("jvmOptions", "allowedPackages", "memoryLimitMb",
      "memoryLimitPercent", "maxTasksPerWorker", "pipelineDepth", "codec",
      "startTimeoutSeconds");

  /** Parses {@code options}; unknown keys are errors, so that a misspelt option is not lost. */
  static PoolConfig parse(int workers, Map<String, String> options) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be positive, got " + workers);
    }
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown option '" + key
            + "' of the processes executor; known options: " + new java.util.TreeSet<>(KEYS));
      }
    }
    List<String> jvm = new ArrayList<>();
    String jvmText = options.getOrDefault("jvmOptions", "").strip();
    if (!jvmText.isEmpty()) {
      jvm.addAll(Arrays.asList(jvmText.split("\\s+")));
    }
    for (String o : jvm) {
      if (!o.startsWith("-")) {
        throw new IllegalArgumentException("option jvmOptions must hold JVM options starting with"
            + " '-', got '" + o + "' in '" + jvmText + "'");
      }
    }
    List<String> allowed = Codecs.rules(options.getOrDefault("allowedPackages", "-")
        .replace(';', ',').replace(' ', ','));
    long limit = 0;
    if (options.containsKey("memoryLimitMb")) {
      limit = positiveLong(options, "memoryLimitMb") * 1024 * 1024;
    }
    if (options.containsKey("memoryLimitPercent")) {
      if (limit > 0) {
        throw new IllegalArgumentException(
            "give memoryLimitMb or memoryLimitPercent, not both");
      }
      double percent = percent(options.get("memoryLimitPercent"));
      limit = (long) (physicalMemory() * percent / 100.0);
    }
    int maxTasks = options.containsKey("maxTasksPerWorker")
        ? (int) positiveLong(options, "maxTasksPerWorker") : 0;
    int depth = options.containsKey("pipelineDepth")
        ? (int) positiveLong(options, "pipelineDepth") : 8;
    long timeout = options.containsKey("startTimeoutSeconds")
        ? positiveLong(options, "startTimeoutSeconds") : 60;
    String codec = options.getOrDefault("codec", "java").strip();
    return new PoolConfig(workers, List.copyOf(jvm), List.copyOf(allowed), limit, maxTasks, depth,
        codec, Duration.ofSeconds(timeout), Map.copyOf(new TreeMap<>(options)));
  }

  private static long positiveLong(Map<String, String> options, String key) {
    String text = options.get(key).strip();
    try {
      long value = Long.parseLong(text);
      if (value > 0 && value <= Integer.MAX_VALUE) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("option " + key + " must be a positive whole number, got '"
        + text + "'");
  }

  private static double percent(String text) {
    try {
      double value = Double.parseDouble(text.strip());
      if (value > 0 && value <= 100) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "option memoryLimitPercent must be a number in (0, 100], got '" + text + "'");
  }

  private static long physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    throw new IllegalArgumentException(
        "option memoryLimitPercent needs the physical memory size, which this JVM does not tell;"
            + " use memoryLimitMb");
  }

  /** What makes two pools interchangeable. */
  String key() {
    return workers + " " + new TreeMap<>(options);
  }
}

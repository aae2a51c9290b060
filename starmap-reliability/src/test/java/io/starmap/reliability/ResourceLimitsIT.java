package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.starmap.importer.testing.PostgresExtension;
import io.starmap.store.CalcRecord;
import io.starmap.store.CalcStatus;
import io.starmap.store.CalculationStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resource limits: a run whose tasks exceed the memory guard (the master's heap guard, or a
 * worker's resident memory limit) stops with the guard's message, leaves no worker JVM behind and
 * is marked failed in {@code starmap calcs list}; a full disk under {@code $STARMAP_HOME} (a 2 MB
 * tmpfs, when the tests run as root) fails the import with a clear message and leaves a usable
 * store.
 */
@Timeout(600)
class ResourceLimitsIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path dir;

  static List<Arguments> hogs() {
    List<Arguments> hogs = new ArrayList<>(List.of(Arguments.of("master", "processes"),
        Arguments.of("worker", "processes")));
    if (Sizes.FULL) {
      hogs.add(Arguments.of("master", "threads"));
    }
    return hogs;
  }

  @ParameterizedTest(name = "{0} guard, {1}")
  @MethodSource("hogs")
  void aRunOverTheMemoryGuardStopsCleanlyAndIsMarkedFailed(String mode, String executor)
      throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path log = dir.resolve("hog.log");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), HogMain.class.getName(), mode, executor));
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    b.environment().put("STARMAP_HOME", home.toString());
    Process p = b.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the hog ends").isTrue();
    String out = Files.readString(log, StandardCharsets.ISO_8859_1);
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    assertThat(out).doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
    if (mode.equals("master")) {
      assertThat(out).contains("memory guard stopped hog-master").contains("hard limit of 60%");
    } else {
      assertThat(out).contains("of resident memory while running hog-worker")
          .contains("(option memoryLimitMb)");
    }
    assertThat(Child.orphansAfter(p.pid(), Duration.ofSeconds(20)))
        .as("worker JVMs left by the hog").isEmpty();

    Child.Result list = Child.run(home, Duration.ofMinutes(2), List.of(), "calcs", "list",
        "--status", "failed", "--format", "csv");
    assertThat(list.exit()).as(list.output()).isZero();
    assertThat(list.output()).contains("memory hog (" + mode + ", " + executor + ")");
    try (CalculationStore store = CalculationStore.open(home)) {
      CalcRecord c = store.list(10, null).get(0);
      assertThat(c.status()).isEqualTo(CalcStatus.FAILED);
    }
  }

  @Test
  void aFullDiskUnderTheHomeFailsClearlyAndLeavesAUsableStore() throws Exception {
    assumeTrue(isRoot(), "mounting a small tmpfs needs root");
    Path home = Files.createDirectories(dir.resolve("small-home"));
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", home.toString()) == 0,
        "cannot mount a tmpfs here");
    try {
      // 25,000 bad rows of 100 bytes: their rejects file (2.5 MB) cannot fit in 2 MB
      Path data = dir.resolve("bad.csv");
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 25_000; i++) {
        sb.append("not-a-number,").append("x".repeat(80)).append(i).append('\n');
      }
      Files.writeString(data, sb);
      Child.Result r = Child.run(home, Duration.ofMinutes(3), List.of(), "import",
          data.toString(), "--table", "full_disk", "--create", "n int, s text", "--header", "no",
          "--max-errors", "1000000", "--db", PG.database().url().psqlUrl());
      assertThat(r.exit()).as(r.output()).isEqualTo(1);
      // the last word is one clear line (the store's own warnings about the full disk come
      // before it, on stderr)
      String last = r.output().lines().filter(l -> l.startsWith("starmap: ")).reduce((a, b) -> b)
          .orElse("");
      assertThat(last).as(r.output()).containsIgnoringCase("no space left on device");
      System.out.println("ResourceLimitsIT full disk: " + last);

      // while the disk is full, listing works or fails with one clear line (opening the store
      // marks the calculations of dead processes failed, which is a write)
      Child.Result whileFull = runIn(home, "calcs", "list", "--format", "csv");
      System.out.println("ResourceLimitsIT full disk, calcs list while full: exit "
          + whileFull.exit() + ": " + whileFull.output().strip());
      if (whileFull.exit() != 0) {
        String line = whileFull.output().lines().filter(l -> l.startsWith("starmap: "))
            .reduce((a, b) -> b).orElse("");
        assertThat(line).as(whileFull.output()).containsIgnoringCase("full");
        assertThat(whileFull.output()).doesNotContain("\tat ");
      }
      // once space is freed the store is usable: the import is listed as failed, and a new
      // calculation is recorded
      try (var s = Files.list(home)) {
        for (Path p : s.filter(x -> x.toString().endsWith(".rejects")).toList()) {
          Files.delete(p);
        }
      }
      Child.Result list = runIn(home, "calcs", "list", "--status", "failed", "--format", "csv");
      assertThat(list.exit()).as(list.output()).isZero();
      assertThat(list.output()).contains("full_disk");
      Path good = dir.resolve("good.csv");
      Files.writeString(good, "1,a\n2,b\n");
      Child.Result again = runIn(home, "import", good.toString(), "--table", "after_full",
          "--create", "n int, s text", "--header", "no", "--db", PG.database().url().psqlUrl());
      assertThat(again.exit()).as(again.output()).isZero();
      try (CalculationStore store = CalculationStore.open(home)) {
        assertThat(store.list(10, null)).extracting(CalcRecord::status)
            .contains(CalcStatus.COMPLETE);
      }
    } finally {
      run("umount", "-l", home.toString());
    }
  }

  private Child.Result runIn(Path home, String... args) throws Exception {
    return Child.run(home, Duration.ofMinutes(2), List.of(), args);
  }

  private static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").start();
      String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return uid.equals("0");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}

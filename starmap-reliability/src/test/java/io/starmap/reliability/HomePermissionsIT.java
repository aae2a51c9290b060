package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code STARMAP_HOME} and what Starmap writes are its owner's only. A real run in a home that an
 * earlier version made 0755, under a world-readable directory: an import into the embedded
 * PostgreSQL of the home with a bad row (a rejects file with the raw row), an HTML report, a
 * dump and its restore. Then the home is 0700, every directory Starmap made in it 0700 and every
 * file 0600 (the PostgreSQL binaries aside: programs, the same for everybody), the report and the
 * dump written where the user said are 0600, and, when the tests run as root, another user (uid
 * 65534, through {@code setpriv}) is refused reading any of it.
 */
@Timeout(900)
class HomePermissionsIT {
  static final int NOBODY = 65534;

  @TempDir static Path dir;
  static Path home;
  static Path out;

  @BeforeAll
  static void run() throws Exception {
    // The test's directories are open to all, so that only Starmap's modes protect its files.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    out = Files.createDirectory(dir.resolve("out"));
    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
    home = Files.createDirectory(dir.resolve("home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path csv = out.resolve("rows.csv");
    Files.writeString(csv, "1,one\n2,two\nnot a number,secret raw row\n4,four\n");
    Files.setPosixFilePermissions(csv, PosixFilePermissions.fromString("rw-r--r--"));

    cli("import", csv.toString(), "--table", "rows", "--create", "a int, b text", "--header",
        "no", "--max-errors", "5");
    cli("report", "last", "-o", out.resolve("report.html").toString());
    cli("calcs", "dump", out.resolve("calcs.zip").toString());
    cli("calcs", "restore", out.resolve("calcs.zip").toString());
  }

  private static void cli(String... args) throws Exception {
    Child.Result r = Child.run(home, Duration.ofMinutes(5), List.of(), args);
    assertThat(r.exit()).as("starmap " + String.join(" ", args) + ":\n" + r.output()).isZero();
  }

  @Test
  void theHomeIs0700AndEveryFileStarmapWroteIs0600() throws Exception {
    assertThat(mode(home)).as("the home made 0755 by an earlier version").isEqualTo("rwx------");
    Map<String, String> wrong = new TreeMap<>();
    List<String> seen = new ArrayList<>();
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String rel = home.relativize(p).toString();
        if (rel.matches("pg/postgresql-[^/]+(/.*)?") || Files.isSymbolicLink(p)) {
          continue; // the PostgreSQL programs
        }
        seen.add(rel);
        String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
        if (!mode(p).equals(expected)) {
          wrong.put(rel, mode(p));
        }
      }
    }
    assertThat(seen).as("what the run wrote").contains("db.sqlite", "calc_1.hdf5",
        "calc_1.rejects", "calc_2.hdf5", "pg/pg_ctl.log");
    assertThat(wrong).as("modes other than 0700/0600 in the home").isEmpty();
    assertThat(mode(out.resolve("report.html"))).as("the report").isEqualTo("rw-------");
    assertThat(mode(out.resolve("calcs.zip"))).as("the dump").isEqualTo("rw-------");
    assertThat(mode(out)).as("the user's directory is left as it was").isEqualTo("rwxr-xr-x");
    assertThat(Files.readString(home.resolve("calc_1.rejects"))).contains("secret raw row");
  }

  @Test
  void anotherUserCannotListTheHomeNorReadWhatStarmapWrote() throws Exception {
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    assumeTrue(uid == 0, "needs root to run commands as uid 65534 (the tests run as uid " + uid
        + ")");
    assumeTrue(Stream.of("/usr/bin/setpriv", "/bin/setpriv").anyMatch(p -> Files.isExecutable(
        Path.of(p))), "needs setpriv (util-linux) to run commands as uid 65534");
    // The attack works where nothing protects: a world-readable file of the input is read.
    assertThat(asNobody("cat", out.resolve("rows.csv").toString()).exit())
        .as("uid %d reads a world-readable file", NOBODY).isZero();

    List<String[]> attempts = List.of(
        new String[] {"ls", "-la", home.toString()},
        new String[] {"cat", home.resolve("db.sqlite").toString()},
        new String[] {"cat", home.resolve("calc_1.rejects").toString()},
        new String[] {"cat", home.resolve("calc_1.hdf5").toString()},
        new String[] {"ls", home.resolve("pg").toString()},
        new String[] {"cat", out.resolve("report.html").toString()},
        new String[] {"cat", out.resolve("calcs.zip").toString()});
    for (String[] attempt : attempts) {
      Child.Result r = asNobody(attempt);
      assertThat(r.exit()).as("uid %d: %s -> %s", NOBODY, String.join(" ", attempt), r.output())
          .isNotZero();
      assertThat(r.output()).as(String.join(" ", attempt)).contains("Permission denied");
    }
  }

  private static Child.Result asNobody(String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY,
        "--regid=" + NOBODY, "--clear-groups"));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] output = p.getInputStream().readNBytes(4_096);
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Child.Result(p.exitValue(), new String(output, StandardCharsets.ISO_8859_1));
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}

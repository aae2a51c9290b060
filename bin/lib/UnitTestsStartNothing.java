import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Fails the build when a unit test started a process: bin/test runs it after {@code mvn verify}. A
 * unit test ({@code *Test}, {@code *Properties}) runs in-process and fast; one that starts
 * PostgreSQL, a worker JVM, a cluster member, a browser or any other program is an integration test
 * and is named {@code *IT} (the parent pom runs those after the jars are packaged, and bin/test
 * --fast leaves them out). What each test class started is written by starmap-core's test listener
 * {@code io.starmap.core.testing.ProcessStartWatch} to {@code target/process-starts/*.tsv} of each
 * module, from the JDK's {@code jdk.ProcessStart} events, so the rule holds by what the tests do,
 * not by what their names promise.
 *
 * <p>Usage: {@code java bin/lib/UnitTestsStartNothing.java ROOT [--since FILE]}; only the files
 * written after {@code FILE} (by this build) are read.
 */
public final class UnitTestsStartNothing {
  private UnitTestsStartNothing() {}

  /**
   * Runs the check; exits 1, naming each unit test class and the first process it started.
   *
   * @param args the repository root, then optionally {@code --since FILE}
   * @throws IOException when a file of process starts cannot be read
   */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    FileTime since = args.length > 2 && args[1].equals("--since")
        ? Files.getLastModifiedTime(Path.of(args[2])) : FileTime.fromMillis(0);
    Map<String, String> offenders = new TreeMap<>();
    List<String> unwatched = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("target"))).sorted()
          .toList()) {
        String name = module.getFileName().toString();
        List<Path> starts = listNewer(module.resolve("target/process-starts"), ".tsv", since);
        if (starts.isEmpty()) {
          if (!listNewer(module.resolve("target/surefire-reports"), ".xml", since).isEmpty()) {
            unwatched.add(name);
          }
          continue;
        }
        for (Path tsv : starts) {
          for (String line : Files.readAllLines(tsv)) {
            int tab = line.indexOf('\t');
            String cls = line.substring(0, tab);
            if (!cls.endsWith("IT")) {
              offenders.putIfAbsent(name + ": " + cls, line.substring(tab + 1));
            }
          }
        }
      }
    }
    if (!unwatched.isEmpty()) {
      System.err.println("bin/test: tests ran unwatched in " + String.join(", ", unwatched)
          + ": add starmap-core's test jar (its testing.ProcessStartWatch) to the module's test"
          + " dependencies");
      System.exit(1);
    }
    if (!offenders.isEmpty()) {
      System.err.println("bin/test: unit tests started processes; a test that starts PostgreSQL,"
          + " a JVM, a browser or any program is an integration test: name it *IT");
      offenders.forEach((c, cmd) -> System.err.println("  " + c + " started: " + cmd));
      System.exit(1);
    }
  }

  /** The files of {@code dir} (none if there is no dir) ending in {@code end}, newer than since. */
  private static List<Path> listNewer(Path dir, String end, FileTime since) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(end)).filter(f -> {
        try {
          return Files.getLastModifiedTime(f).compareTo(since) > 0;
        } catch (IOException e) {
          return false;
        }
      }).sorted().toList();
    }
  }
}

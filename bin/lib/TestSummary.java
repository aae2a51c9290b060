import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The end of bin/test's output: one line per kind of test class (unit tests {@code *Test},
 * integration tests {@code *IT}, jqwik properties {@code *Properties}) with how many ran, passed,
 * failed and were skipped, and their time, from this build's surefire and failsafe reports; then
 * every skipped test with the reason it gave.
 *
 * <p>With {@code --no-unlisted-skips} (CI, where every tool the tests use is installed), a skipped
 * test fails the build unless {@code bin/lib/tests-skipped.txt} lists it with its reason: a test
 * that skips because a tool is missing must not pass unnoticed where the tool should be.
 *
 * <p>With {@code --unit-only} (bin/test --fast), the line of the integration tests says that they
 * were not run.
 *
 * <p>Usage: {@code java bin/lib/TestSummary.java ROOT --since FILE [--no-unlisted-skips]
 * [--unit-only]}.
 */
public final class TestSummary {
  private static final Pattern CASE = Pattern.compile(
      "<testcase\\s+name=\"([^\"]*)\"\\s+classname=\"([^\"]*)\"\\s+time=\"([^\"]*)\"\\s*(/>|>(.*?)</testcase>)",
      Pattern.DOTALL);
  private static final Pattern SKIPPED = Pattern.compile(
      "<skipped(?:[^>]*?message=\"([^\"]*)\")?[^>]*?(?:/>|>(?:<!\\[CDATA\\[)?([^\\n<]*))");
  private static final Pattern FAILED = Pattern.compile("<(failure|error)[\\s>/]");

  /** The totals of one kind of test class. */
  static final class Totals {
    final java.util.Set<String> classes = new java.util.HashSet<>();
    int tests;
    int failed;
    int skipped;
    double seconds;
  }

  private TestSummary() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    FileTime since = FileTime.fromMillis(0);
    boolean strict = false;
    boolean unitOnly = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--since" -> since = Files.getLastModifiedTime(Path.of(args[++i]));
        case "--no-unlisted-skips" -> strict = true;
        case "--unit-only" -> unitOnly = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Map<String, Totals> kinds = new LinkedHashMap<>();
    for (String kind : List.of("Test", "IT", "Properties")) {
      kinds.put(kind, new Totals());
    }
    Map<String, String> skips = new TreeMap<>();
    for (Path report : reports(root, since)) {
      String xml = Files.readString(report);
      Matcher m = CASE.matcher(xml);
      while (m.find()) {
        String className = m.group(2);
        Totals t = kinds.get(kindOf(className));
        t.classes.add(className);
        t.tests++;
        t.seconds += parse(m.group(3));
        String body = m.group(5) == null ? "" : m.group(5);
        Matcher skipped = SKIPPED.matcher(body);
        if (skipped.find()) {
          t.skipped++;
          String why = skipped.group(1) != null ? unescape(skipped.group(1))
              : skipped.group(2) != null && !skipped.group(2).isBlank()
                  ? skipped.group(2).replaceFirst("^org\\.opentest4j\\.TestAbortedException: ", "")
                  : "(no reason given)";
          skips.put(className + "#" + m.group(1), why);
        } else if (FAILED.matcher(body).find()) {
          t.failed++;
        }
      }
    }
    for (Map.Entry<String, Totals> e : kinds.entrySet()) {
      Totals t = e.getValue();
      if (unitOnly && e.getKey().equals("IT")) {
        System.err.printf("bin/test: %-10s not run (bin/test --fast runs the unit tests only)%n",
            "*IT");
        continue;
      }
      System.err.printf(Locale.ROOT, "bin/test: %-10s %3d classes, %4d tests: %4d passed, %d failed,"
          + " %d skipped, %.0f s%n", "*" + e.getKey(), t.classes.size(), t.tests,
          t.tests - t.failed - t.skipped, t.failed, t.skipped, t.seconds);
    }
    Map<String, String> listed = listed(root.resolve("bin/lib/tests-skipped.txt"));
    List<String> unlisted = new ArrayList<>();
    for (Map.Entry<String, String> s : skips.entrySet()) {
      String cls = s.getKey().substring(0, s.getKey().indexOf('#'));
      boolean known = listed.containsKey(s.getKey()) || listed.containsKey(cls);
      System.err.println("bin/test:   skipped " + s.getKey() + ": " + s.getValue()
          + (known ? "" : "  [not in bin/lib/tests-skipped.txt]"));
      if (!known) {
        unlisted.add(s.getKey());
      }
    }
    if (strict && !unlisted.isEmpty()) {
      System.err.println("bin/test: " + unlisted.size() + " test(s) skipped that should run here"
          + " (is a tool they need missing?); one that skips on purpose goes in"
          + " bin/lib/tests-skipped.txt with its reason");
      System.exit(1);
    }
  }

  /** The kind of a test class by its name: what surefire's includes select it by. */
  static String kindOf(String className) {
    String simple = className.substring(className.lastIndexOf('.') + 1);
    simple = simple.contains("$") ? simple.substring(0, simple.indexOf('$')) : simple;
    return simple.endsWith("Properties") ? "Properties" : simple.endsWith("IT") ? "IT" : "Test";
  }

  private static List<Path> reports(Path root, FileTime since) throws IOException {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
        for (String dir : List.of("target/surefire-reports", "target/failsafe-reports")) {
          Path reports = module.resolve(dir);
          if (!Files.isDirectory(reports)) {
            continue;
          }
          try (Stream<Path> files = Files.list(reports)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml"))
                .sorted().toList()) {
              if (Files.getLastModifiedTime(f).compareTo(since) >= 0) {
                found.add(f);
              }
            }
          }
        }
      }
    }
    return found;
  }

  private static Map<String, String> listed(Path file) throws IOException {
    Map<String, String> listed = new TreeMap<>();
    if (!Files.exists(file)) {
      return listed;
    }
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      if (parts.length < 2) {
        throw new IllegalArgumentException(file + ":" + (i + 1)
            + ": expected 'CLASS[#METHOD] REASON', got: " + line);
      }
      listed.put(parts[0], parts[1]);
    }
    return listed;
  }

  private static double parse(String seconds) {
    try {
      return Double.parseDouble(seconds.replace(",", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String unescape(String xml) {
    return xml.replace("&quot;", "\"").replace("&apos;", "'").replace("&lt;", "<")
        .replace("&gt;", ">").replace("&amp;", "&");
  }
}

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Fails the build when a test class exists but did not run: bin/test runs it after {@code mvn
 * verify}. A test class is a compiled class under a module's {@code target/test-classes} whose name
 * ends in Test, IT or Properties (the surefire includes of the parent pom), or that has test
 * methods (JUnit Jupiter or jqwik annotations), its own or inherited. It ran when its name appears
 * in the module's {@code target/surefire-reports} or {@code target/failsafe-reports}, in a report
 * written after the file given with {@code --since} (older reports are from earlier builds).
 *
 * <p>An abstract class or interface with test methods (a contract suite) runs through its
 * subclasses: one of them must have run. A {@code @Nested} or jqwik {@code @Group} inner class runs
 * with its top-level class. A class skipped on purpose is listed in {@code bin/lib/tests-not-run.txt}
 * with its reason; a listed class that ran, or no longer exists, fails the check too.
 *
 * <p>Usage: {@code java bin/lib/TestsRan.java ROOT [--since FILE] [--partial] [--unit-only]}; with
 * {@code --partial} only modules in which some test ran are checked (a build of some modules only);
 * with {@code --unit-only} (bin/test --fast) the integration tests, {@code *IT}, are not expected
 * to have run.
 */
public final class TestsRan {
  /** The name endings that surefire selects: keep in step with the includes of the parent pom. */
  static final List<String> KINDS = List.of("Test", "IT", "Properties");

  /** Annotations that make a method a test, as class-file descriptors. */
  static final List<String> TEST_ANNOTATIONS = List.of(
      "Lorg/junit/jupiter/api/Test;", "Lorg/junit/jupiter/api/RepeatedTest;",
      "Lorg/junit/jupiter/api/TestFactory;", "Lorg/junit/jupiter/api/TestTemplate;",
      "Lorg/junit/jupiter/params/ParameterizedTest;", "Lnet/jqwik/api/Property;",
      "Lnet/jqwik/api/Example;", "Lorg/junit/Test;");

  /** Annotations that make an inner class run with its enclosing class. */
  static final List<String> NESTED_ANNOTATIONS =
      List.of("Lorg/junit/jupiter/api/Nested;", "Lnet/jqwik/api/Group;");

  private static final Pattern CLASSNAME = Pattern.compile("classname=\"([^\"]+)\"");

  /** What the check needs of one compiled class. */
  record ClassInfo(String module, String name, String superName, boolean isAbstract,
      boolean ownTests, boolean nestedRunner) {
    /** The class's simple name (after the package and any enclosing class). */
    String simpleName() {
      String s = name.substring(name.lastIndexOf('.') + 1);
      return s.substring(s.lastIndexOf('$') + 1);
    }

    /** The outermost enclosing class, or this class. */
    String topLevel() {
      int dollar = name.indexOf('$');
      return dollar < 0 ? name : name.substring(0, dollar);
    }
  }

  private TestsRan() {}

  /**
   * Runs the check; exits 1, naming each class and its module, when a test class did not run.
   *
   * @param args the repository root, then optionally {@code --since FILE} and {@code --partial}
   * @throws IOException when a class file or a report cannot be read
   */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args[0]);
    FileTime since = FileTime.fromMillis(0);
    boolean partial = false;
    boolean unitOnly = false;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--since" -> since = Files.getLastModifiedTime(Path.of(args[++i]));
        case "--partial" -> partial = true;
        case "--unit-only" -> unitOnly = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Map<String, ClassInfo> classes = new HashMap<>();
    Map<String, Set<String>> ran = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path module : dirs.filter(d -> Files.isDirectory(d.resolve("target/test-classes")))
          .sorted().toList()) {
        String name = module.getFileName().toString();
        for (ClassInfo c : scan(name, module.resolve("target/test-classes"))) {
          classes.put(c.name(), c);
        }
        ran.put(name, reported(module.resolve("target"), since));
      }
    }
    if (partial) {
      ran.values().removeIf(Set::isEmpty); // modules this build did not test
    }
    List<String> problems =
        check(classes, ran, exclusions(root.resolve("bin/lib/tests-not-run.txt")), unitOnly);
    if (!problems.isEmpty()) {
      System.err.println("bin/test: test classes did not run (one skipped on purpose goes in"
          + " bin/lib/tests-not-run.txt, with its reason):");
      problems.forEach(p -> System.err.println("  " + p));
      System.exit(1);
    }
  }

  /**
   * The problems found in the modules of {@code ran} (module to the classes its reports name),
   * after printing how many test classes of each ran; with {@code unitOnly}, the integration tests
   * that did not run are counted apart, not as problems.
   */
  static List<String> check(Map<String, ClassInfo> classes, Map<String, Set<String>> ran,
      Map<String, String> excluded, boolean unitOnly) {
    Set<String> allRan = new HashSet<>();
    ran.values().forEach(allRan::addAll);
    List<String> problems = new ArrayList<>();
    Map<String, int[]> counts = new TreeMap<>();
    for (ClassInfo c : classes.values().stream()
        .sorted((a, b) -> (a.module() + a.name()).compareTo(b.module() + b.name())).toList()) {
      String why = ran.containsKey(c.module()) ? whyNotRun(c, classes, allRan) : null;
      if (why == null) {
        continue;
      }
      int[] n = counts.computeIfAbsent(c.module(), m -> new int[3]);
      if (unitOnly && !why.isEmpty() && isIntegration(c)) {
        n[2]++;
        continue;
      }
      n[0]++;
      boolean listed = excluded.remove(c.module() + " " + c.name()) != null;
      if (why.isEmpty()) {
        n[1]++;
        if (listed) {
          problems.add(c.module() + ": " + c.name() + " ran, but bin/lib/tests-not-run.txt lists it");
        }
      } else if (!listed) {
        problems.add(c.module() + ": " + c.name() + " did not run: " + why);
      }
    }
    excluded.keySet().stream().filter(k -> ran.containsKey(k.split(" ")[0]))
        .forEach(k -> problems.add(k.replace(" ", ": ")
            + " is listed in bin/lib/tests-not-run.txt but is not a test class any more"));
    counts.forEach((m, n) -> System.err.printf("bin/test: %s: %d of %d test classes ran%s%n", m,
        n[1], n[0], n[2] == 0 ? "" : "; " + n[2] + " integration test classes (*IT) not run"));
    return problems;
  }

  /**
   * Why a class did not run: null when it is not a test class, empty when it ran (or runs through
   * its subclasses or its enclosing class, which ran), else the reason.
   */
  static String whyNotRun(ClassInfo c, Map<String, ClassInfo> classes, Set<String> ran) {
    boolean named = KINDS.stream().anyMatch(k -> c.simpleName().endsWith(k));
    boolean tests = hasTests(c, classes);
    if (!tests && !(named && c.topLevel().equals(c.name()) && !c.isAbstract())) {
      return null;
    }
    if (ran.contains(c.name())) {
      return "";
    }
    if (c.isAbstract()) {
      boolean subclassRan = classes.values().stream()
          .anyMatch(s -> !s.isAbstract() && ran.contains(s.name()) && extendsClass(s, c, classes));
      return subclassRan ? "" : "it is abstract, and no subclass of it ran";
    }
    if (!c.topLevel().equals(c.name())) {
      if (!c.nestedRunner()) {
        return "a nested class runs only as an inner class annotated @Nested (jqwik: @Group)";
      }
      return ran.contains(c.topLevel()) ? "" : "it runs with " + c.topLevel() + ", which did not run";
    }
    if (!named) {
      return "it has test methods, but surefire selects only names ending in "
          + String.join(", ", KINDS) + ": rename it";
    }
    return tests ? "no report of it in target/surefire-reports from this build"
        : "its name makes it a test class, but it has no test methods";
  }

  /** An integration test: its top-level class's name ends in IT (the parent pom's rule). */
  static boolean isIntegration(ClassInfo c) {
    return c.topLevel().endsWith("IT");
  }

  private static boolean hasTests(ClassInfo c, Map<String, ClassInfo> classes) {
    for (ClassInfo k = c; k != null; k = classes.get(k.superName())) {
      if (k.ownTests()) {
        return true;
      }
    }
    return false;
  }

  private static boolean extendsClass(ClassInfo s, ClassInfo base, Map<String, ClassInfo> classes) {
    for (ClassInfo k = classes.get(s.superName()); k != null; k = classes.get(k.superName())) {
      if (k.name().equals(base.name())) {
        return true;
      }
    }
    return false;
  }

  /** The classes compiled into one module's test-classes directory. */
  static List<ClassInfo> scan(String module, Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      List<ClassInfo> out = new ArrayList<>();
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        if (!f.getFileName().toString().equals("module-info.class")) {
          out.add(read(module, f));
        }
      }
      return out;
    }
  }

  /** Reads a class file's constant pool, access flags, name and superclass (JVMS 4.1). */
  static ClassInfo read(String module, Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IOException(file + ": not a class file");
      }
      in.skipBytes(4);
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      int[] classIndex = new int[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 7 -> classIndex[i] = in.readUnsignedShort();
          case 8, 16, 19, 20 -> in.skipBytes(2);
          case 15 -> in.skipBytes(3);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
          case 5, 6 -> {
            in.skipBytes(8);
            i++; // a long or double takes two entries
          }
          default -> throw new IOException(file + ": unknown constant pool tag " + tag);
        }
      }
      int access = in.readUnsignedShort();
      String name = utf8[classIndex[in.readUnsignedShort()]].replace('/', '.');
      int superIndex = in.readUnsignedShort();
      String superName = superIndex == 0 ? null : utf8[classIndex[superIndex]].replace('/', '.');
      Set<String> strings = new HashSet<>();
      for (String u : utf8) {
        if (u != null) {
          strings.add(u);
        }
      }
      boolean isAbstract = (access & 0x0600) != 0; // ACC_ABSTRACT or ACC_INTERFACE
      return new ClassInfo(module, name, superName, isAbstract,
          TEST_ANNOTATIONS.stream().anyMatch(strings::contains),
          NESTED_ANNOTATIONS.stream().anyMatch(strings::contains));
    } catch (RuntimeException e) {
      throw new IllegalStateException(file + ": cannot read the class file", e);
    }
  }

  /** The classes named in a module's test reports written at or after {@code since}. */
  static Set<String> reported(Path target, FileTime since) throws IOException {
    Set<String> names = new TreeSet<>();
    for (String dir : List.of("surefire-reports", "failsafe-reports")) {
      Path reports = target.resolve(dir);
      if (!Files.isDirectory(reports)) {
        continue;
      }
      try (Stream<Path> files = Files.list(reports)) {
        for (Path f : files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml"))
            .toList()) {
          if (Files.getLastModifiedTime(f).compareTo(since) < 0) {
            continue;
          }
          String file = f.getFileName().toString();
          names.add(file.substring("TEST-".length(), file.length() - ".xml".length()));
          Matcher m = CLASSNAME.matcher(Files.readString(f));
          while (m.find()) {
            names.add(m.group(1));
          }
        }
      }
    }
    return names;
  }

  /** "module class" to reason, from the list of classes skipped on purpose. */
  static Map<String, String> exclusions(Path list) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(list)) {
      return out;
    }
    int line = 0;
    for (String l : Files.readAllLines(list)) {
      line++;
      String s = l.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      String[] f = s.split("\\s+", 3);
      if (f.length < 3) {
        throw new IllegalArgumentException(list + ":" + line
            + ": expected MODULE CLASS REASON, found: " + s);
      }
      out.put(f[0] + " " + f[1], f[2]);
    }
    return out;
  }
}

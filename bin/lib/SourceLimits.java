import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Fails the build when a main source file is longer than {@value #MAX_FILE_LINES} lines or a
 * method or constructor longer than {@value
 * #MAX_METHOD_LINES}: the house style's "a file does one job, split at about 400 lines; a method at
 * about 60", kept by a rule rather than by memory. bin/test runs it.
 *
 * <p>The sources are parsed with javac's tree API (no compilation, no class path needed), so a
 * method's length is from its first line (annotations and Javadoc excluded) to its closing brace.
 * A file or method over the limit on purpose is listed in {@code bin/lib/source-limits.txt} with
 * its reason and its current length; a listed one that shrank below the limit, grew past its
 * listed length, or no longer exists fails the check too, so that the list only ever shrinks.
 *
 * <p>Usage: {@code java bin/lib/SourceLimits.java ROOT}.
 */
public final class SourceLimits {
  static final int MAX_FILE_LINES = 400;
  static final int MAX_METHOD_LINES = 60;

  /** A line of the exceptions list: {@code FILE[#METHOD] LINES REASON}. */
  private static final Pattern ALLOWED = Pattern.compile("(\\S+)\\s+(\\d+)\\s+(\\S.*)");

  private SourceLimits() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
    Map<String, Integer> found = measure(root);
    Map<String, Integer> allowed = readAllowed(root.resolve("bin/lib/source-limits.txt"));
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Integer> e : found.entrySet()) {
      Integer limit = allowed.get(e.getKey());
      if (limit == null) {
        problems.add(e.getKey() + " has " + e.getValue() + " lines (at most "
            + (e.getKey().contains("#") ? MAX_METHOD_LINES + " for a method" : MAX_FILE_LINES
                + " for a file") + "): split it, or list it with its reason in"
            + " bin/lib/source-limits.txt");
      } else if (e.getValue() > limit) {
        problems.add(e.getKey() + " grew to " + e.getValue() + " lines; bin/lib/source-limits.txt"
            + " allows " + limit + ": split it rather than raise the allowance");
      }
    }
    for (String listed : allowed.keySet()) {
      if (!found.containsKey(listed)) {
        problems.add(listed + " is listed in bin/lib/source-limits.txt but is within the limits"
            + " now (or gone): remove its line");
      }
    }
    if (!problems.isEmpty()) {
      System.err.println("bin/test: sources over the house limits:");
      problems.forEach(p -> System.err.println("  " + p));
      System.exit(1);
    }
    System.err.println("bin/test: every main source file is within " + MAX_FILE_LINES
        + " lines and every method within " + MAX_METHOD_LINES + " (" + allowed.size()
        + " listed exceptions)");
  }

  /** Every file and method over the limits, as {@code path} or {@code path#Class.method:line}. */
  static Map<String, Integer> measure(Path root) throws IOException {
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(root)) {
      sources = walk.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> root.relativize(p).toString().matches("starmap-[^/]+/src/main/java/.*"))
          .filter(p -> !p.getFileName().toString().equals("module-info.java"))
          .sorted().toList();
    }
    Map<String, Integer> over = new TreeMap<>();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      JavacTask task = (JavacTask) javac.getTask(null, files, d -> { }, List.of("-proc:none"),
          null, files.getJavaFileObjectsFromPaths(sources));
      SourcePositions positions = Trees.instance(task).getSourcePositions();
      for (CompilationUnitTree unit : task.parse()) {
        String file = root.relativize(Path.of(unit.getSourceFile().toUri())).toString();
        LineMap lines = unit.getLineMap();
        long total = lines.getLineNumber(Math.max(0, positions.getEndPosition(unit, unit) - 1));
        if (total > MAX_FILE_LINES) {
          over.put(file, (int) total);
        }
        new TreePathScanner<Void, Void>() {
          @Override
          public Void visitMethod(MethodTree method, Void unused) {
            if (method.getBody() != null) {
              long first = lines.getLineNumber(positions.getStartPosition(unit, method));
              long last = lines.getLineNumber(positions.getEndPosition(unit, method));
              int length = (int) (last - first + 1);
              if (length > MAX_METHOD_LINES) {
                ClassTree owner = (ClassTree) getCurrentPath().getParentPath().getLeaf();
                over.put(file + "#" + owner.getSimpleName() + "." + method.getName(), length);
              }
            }
            return super.visitMethod(method, unused);
          }
        }.scan(unit, null);
      }
    }
    return over;
  }

  private static Map<String, Integer> readAllowed(Path list) throws IOException {
    Map<String, Integer> allowed = new TreeMap<>();
    if (!Files.exists(list)) {
      return allowed;
    }
    List<String> lines = Files.readAllLines(list);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = ALLOWED.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException(list + ":" + (i + 1) + ": expected 'FILE[#METHOD]"
            + " LINES REASON', got: " + line);
      }
      allowed.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    return allowed;
  }
}

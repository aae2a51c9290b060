package io.starmap.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code ```java} blocks of a Markdown file, made into Java sources that compile when the
 * documentation is right. The rule, so that a block in a document stays readable:
 *
 * <ul>
 *   <li>The block's leading {@code import} lines are kept as imports. Every block also gets the
 *       {@link #DEFAULT_IMPORTS}: {@code java.io}, {@code java.nio.file}, {@code java.time},
 *       {@code java.util} (with {@code function} and {@code stream}) and Starmap's exported
 *       {@code io.starmap.core}, {@code io.starmap.store} and {@code io.starmap.hazelcast}.
 *   <li>A block that declares a top-level type ({@code class}, {@code record}, {@code interface}
 *       or {@code enum} at the start of a line) is a compilation unit and compiles as it is.
 *   <li>Any other block is statements: they become the body of a method {@code void snippet()
 *       throws Exception} of a class of their own.
 *   <li>What a fragment uses but does not declare (the task of an earlier block, the files it
 *       reads) is declared in an HTML comment right above the fence, {@code <!-- java: List<Path>
 *       files; Task<Path, Long> task; -->}, which Markdown does not show: its text becomes
 *       members of the class around the method, so fields, methods and nested records.
 * </ul>
 */
final class MarkdownJava {
  /** The imports of every block. */
  static final List<String> DEFAULT_IMPORTS = List.of("java.io.*", "java.nio.file.*",
      "java.time.*", "java.util.*", "java.util.function.*", "java.util.stream.*",
      "io.starmap.core.*", "io.starmap.store.*", "io.starmap.hazelcast.*");

  private static final Pattern TYPE_DECLARATION = Pattern.compile(
      "^(@\\w+ +)*((public|abstract|final|sealed|non-sealed|static) +)*"
          + "(class|record|interface|enum) +(\\w+).*");
  private static final Pattern IMPORT =
      Pattern.compile("^import +(static +)?[\\w.]+(\\.\\*)? *;.*");

  private MarkdownJava() {}

  /**
   * One {@code ```java} block.
   *
   * @param file the Markdown file
   * @param line the line of its opening fence, from 1
   * @param lines its lines, without the fences
   * @param context the members declared in the {@code <!-- java: ... -->} comment above it, or
   *     an empty string
   */
  record Block(Path file, int line, List<String> lines, String context) {
    /** {@code README.md:335}, for messages. */
    String where() {
      return file.getFileName() + ":" + line;
    }

    /** A class name of its own: {@code README_md_L335}. */
    String className() {
      return file.getFileName().toString().replaceAll("\\W", "_") + "_L" + line;
    }

    /** Whether it declares a type (a compilation unit) rather than statements. */
    boolean declaresType() {
      return lines.stream().anyMatch(l -> TYPE_DECLARATION.matcher(l).matches());
    }
  }

  /**
   * A block made into a Java source.
   *
   * @param block the block
   * @param className the name of the (main) class of the source
   * @param text the source
   * @param markdownLines for each line of the source (index 0 = line 1), its line in the
   *     Markdown file, or 0 for a generated line
   */
  record Source(Block block, String className, String text, int[] markdownLines) {
    /** The Markdown line of source line {@code sourceLine} (from 1), or the fence's line. */
    int markdownLine(long sourceLine) {
      int i = (int) sourceLine - 1;
      return i >= 0 && i < markdownLines.length && markdownLines[i] > 0 ? markdownLines[i]
          : block.line();
    }
  }

  /** The {@code ```java} blocks of {@code file}, in order. */
  static List<Block> blocks(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals("```java")) {
        continue;
      }
      int open = i;
      List<String> body = new ArrayList<>();
      for (i++; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
        body.add(lines.get(i));
      }
      if (i == lines.size()) {
        throw new IllegalStateException(file + ":" + (open + 1) + ": a ```java block that is"
            + " never closed");
      }
      blocks.add(new Block(file, open + 1, List.copyOf(body), contextAbove(lines, open)));
    }
    return blocks;
  }

  /** The text of a {@code <!-- java: ... -->} comment that ends on the line above the fence. */
  private static String contextAbove(List<String> lines, int fence) {
    int end = fence - 1;
    if (end < 0 || !lines.get(end).strip().endsWith("-->")) {
      return "";
    }
    int start = end;
    while (start >= 0 && !lines.get(start).contains("<!--")) {
      start--;
    }
    if (start < 0) {
      return "";
    }
    String comment = String.join("\n", lines.subList(start, end + 1)).strip();
    comment = comment.substring(comment.indexOf("<!--") + 4, comment.lastIndexOf("-->")).strip();
    return comment.startsWith("java:") ? comment.substring(5).strip() : "";
  }

  /** The name of the first type that {@code lines} declare. */
  private static String typeName(List<String> lines) {
    for (String l : lines) {
      var m = TYPE_DECLARATION.matcher(l);
      if (m.matches()) {
        return m.group(5);
      }
    }
    throw new IllegalArgumentException("no type declaration in " + lines);
  }

  /** {@code block} as a Java source, by the rule above. */
  static Source source(Block block) {
    List<String> out = new ArrayList<>();
    List<Integer> map = new ArrayList<>();
    StringBuilder imports = new StringBuilder();
    for (String i : DEFAULT_IMPORTS) {
      imports.append("import ").append(i).append("; ");
    }
    out.add(imports.toString().strip());
    map.add(0);
    int first = 0;
    List<String> lines = block.lines();
    while (first < lines.size() && (IMPORT.matcher(lines.get(first).strip()).matches()
        || lines.get(first).isBlank())) {
      out.add(lines.get(first));
      map.add(block.line() + 1 + first);
      first++;
    }
    boolean unit = block.declaresType();
    if (!unit) {
      out.add("class " + block.className() + " { " + block.context().replace('\n', ' ')
          + " void snippet() throws Exception {");
      map.add(block.line() - 1);
    }
    for (int i = first; i < lines.size(); i++) {
      out.add(lines.get(i));
      map.add(block.line() + 1 + i);
    }
    if (!unit) {
      out.add("}}");
      map.add(0);
    }
    return new Source(block, unit ? typeName(lines) : block.className(),
        String.join("\n", out) + "\n",
        map.stream().mapToInt(Integer::intValue).toArray());
  }
}

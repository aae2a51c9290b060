package io.starmap.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles every {@code ```java} block of the repository's {@code README.md}, {@code
 * CONTRIBUTING.md} and of every {@code *.md} under {@code docs/}, read from the files themselves, against this module's test class
 * path (the library modules, the CLI, JUnit and starmap-import's test jar). Fragments are wrapped
 * by the rule of {@link MarkdownJava}. A block that does not compile fails with its file and line
 * and the compiler's message.
 */
class MarkdownJavaBlocksTest {
  private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();
  private static final StandardJavaFileManager FILES =
      JAVAC.getStandardFileManager(null, Locale.ROOT, null);

  @TempDir static Path classes;

  @AfterAll
  static void closeFiles() throws IOException {
    FILES.close();
  }

  /** The repository's root: the parent of this module's directory (the tests' working dir). */
  static Path root() {
    Path root = Path.of("").toAbsolutePath().getParent();
    assertThat(root.resolve("README.md")).as("README.md above " + Path.of("").toAbsolutePath())
        .isRegularFile();
    return root;
  }

  /** README.md, CONTRIBUTING.md and every *.md under docs/. */
  static List<Path> documents() {
    List<Path> docs = new ArrayList<>();
    docs.add(root().resolve("README.md"));
    docs.add(root().resolve("CONTRIBUTING.md"));
    try (Stream<Path> s = Files.walk(root().resolve("docs"))) {
      s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  @TestFactory
  Stream<DynamicTest> everyJavaBlockOfTheDocumentsCompiles() {
    List<MarkdownJava.Block> blocks = documents().stream()
        .flatMap(d -> MarkdownJava.blocks(d).stream()).toList();
    // The README's example and the guides' (library, processes, cluster, tests): if fewer were
    // found, the extraction is broken, not the documents right.
    assertThat(blocks.stream().filter(b -> b.file().endsWith("README.md")).count())
        .isGreaterThanOrEqualTo(1);
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(8);
    return blocks.stream().map(b -> DynamicTest.dynamicTest(b.where(), () -> {
      List<String> errors = compile(b);
      assertThat(errors).as("the ```java block at %s does not compile", b.where()).isEmpty();
    }));
  }

  @Test
  void aBlockThatDoesNotCompileIsNamedByItsLineWithTheCompilersMessage(@TempDir Path dir)
      throws IOException {
    Path md = Files.writeString(dir.resolve("GUIDE.md"), """
        # Guide

        <!-- java: List<Integer> numbers; -->
        ```java
        Starmap<Integer, Long> s = Starmap.map("sq", (Integer n) -> (long) n * n).build();
        long total = s.reduce(numbers, 0L, Long::sum);
        ```

        ```java
        Starmap<Integer, Long> s = Starmap.map("sq", (Integer n) -> (long) n * n).build();
        long total = s.reduce(numbers, 0L, Long::sum);
        ```
        """);
    List<MarkdownJava.Block> blocks = MarkdownJava.blocks(md);
    assertThat(blocks).extracting(MarkdownJava.Block::line).containsExactly(4, 9);
    assertThat(compile(blocks.get(0))).isEmpty();
    // Without the declaration above it, "numbers" is unknown: reported at its own line, 11.
    assertThatThrownBy(() -> assertThat(compile(blocks.get(1))).isEmpty())
        .hasMessageContaining("GUIDE.md:11").hasMessageContaining("cannot find symbol")
        .hasMessageContaining("numbers");
  }

  /** The compiler's errors for {@code block}, each as {@code FILE.md:LINE: message}. */
  static List<String> compile(MarkdownJava.Block block) {
    MarkdownJava.Source source = MarkdownJava.source(block);
    JavaFileObject file = new SimpleJavaFileObject(
        URI.create("string:///" + source.className() + ".java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source.text();
      }
    };
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> options = List.of("--release", "21", "-proc:none", "-implicit:none",
        "-Xlint:none", "-classpath", System.getProperty("java.class.path"),
        "-d", classes.toString());
    boolean ok = JAVAC.getTask(null, FILES, diagnostics, options, null, List.of(file)).call();
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(block.file().getFileName() + ":" + source.markdownLine(d.getLineNumber())
            + ": " + d.getMessage(Locale.ROOT));
      }
    }
    if (!ok && errors.isEmpty()) {
      errors.add(block.where() + ": the compiler failed without an error message");
    }
    if (!errors.isEmpty()) {
      errors.add("(compiled as:)\n" + source.text());
    }
    return errors;
  }
}

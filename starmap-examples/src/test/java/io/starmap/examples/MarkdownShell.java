package io.starmap.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell blocks ({@code ```bash}, {@code ```sh}, {@code ```console}) of a Markdown file, with
 * the marks that HTML comments right above the fence give them (Markdown does not show comments,
 * the source of the document does):
 *
 * <ul>
 *   <li>{@code <!-- not run: REASON -->}: the block is not run (it needs a second machine, runs for
 *       many minutes, opens a browser...); the reason is listed by the test.
 *   <li>{@code <!-- not run (PREFIX): REASON -->}: the commands of the block that start with
 *       PREFIX are not run, the others are.
 *   <li>{@code <!-- exit: N -->}: the block ends with exit status N, not 0 (an example of a
 *       failure).
 * </ul>
 *
 * <p>In a {@code console} block, a line starting with {@code $ } is a command and the lines after
 * it are what it prints ({@code …} stands for any text).
 */
final class MarkdownShell {
  private static final Pattern FENCE = Pattern.compile("^(\\s*)```(bash|sh|console)\\s*$");
  private static final Pattern NOT_RUN =
      Pattern.compile("<!--\\s*not run(?:\\s*\\(([^)]*)\\))?:\\s*(.*?)\\s*-->");
  private static final Pattern EXIT = Pattern.compile("<!--\\s*exit:\\s*(\\d+)\\s*-->");

  private MarkdownShell() {}

  /** A part of a block that is not run, and why: {@code prefix} is null for the whole block. */
  record NotRun(String prefix, String reason) {}

  /**
   * One shell block.
   *
   * @param file the Markdown file
   * @param line the fence's line number, from 1
   * @param language bash, sh or console
   * @param commands its commands, a command continued with {@code \} on later lines joined into one
   * @param notRun what the comments above it say not to run
   * @param exit the exit status it ends with
   */
  record Block(Path file, int line, String language, List<String> commands, List<NotRun> notRun,
      int exit) {
    /** Where the block is, for messages: the file's name and the fence's line. */
    String where() {
      return file.getFileName() + ":" + line;
    }

    /** The whole block is marked not run. */
    boolean skipped() {
      return notRun.stream().anyMatch(n -> n.prefix() == null);
    }

    /** Why a command is not run, or null when it runs. */
    String whyNot(String command) {
      for (NotRun n : notRun) {
        if (n.prefix() == null || command.strip().startsWith(n.prefix())) {
          return n.reason();
        }
      }
      return null;
    }
  }

  /** The shell blocks of {@code file}, in order. */
  static List<Block> blocks(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher fence = FENCE.matcher(lines.get(i));
      if (!fence.matches()) {
        continue;
      }
      int open = i;
      int indent = fence.group(1).length();
      List<String> body = new ArrayList<>();
      for (i++; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
        String l = lines.get(i);
        boolean indented = l.length() >= indent && l.substring(0, indent).isBlank();
        body.add(indented ? l.substring(indent) : l);
      }
      if (i == lines.size()) {
        throw new IllegalStateException(file + ":" + (open + 1) + ": a shell block never closed");
      }
      blocks.add(marked(file, open, fence.group(2), commands(body), lines));
    }
    return blocks;
  }

  /** The block, with the marks of the HTML comments on the lines right above its fence. */
  private static Block marked(Path file, int fence, String language, List<String> commands,
      List<String> lines) {
    List<NotRun> notRun = new ArrayList<>();
    int exit = 0;
    for (int k = fence - 1; k >= 0 && lines.get(k).strip().startsWith("<!--"); k--) {
      Matcher n = NOT_RUN.matcher(lines.get(k));
      Matcher e = EXIT.matcher(lines.get(k));
      if (n.find()) {
        notRun.add(new NotRun(n.group(1) == null ? null : n.group(1).strip(), n.group(2)));
      } else if (e.find()) {
        exit = Integer.parseInt(e.group(1));
      }
    }
    return new Block(file, fence + 1, language, commands, List.copyOf(notRun), exit);
  }

  /** The block's lines, a line ending in {@code \} joined with the next. */
  private static List<String> commands(List<String> body) {
    List<String> commands = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String l : body) {
      current.append(current.isEmpty() ? "" : "\n").append(l);
      if (!l.endsWith("\\")) {
        commands.add(current.toString());
        current.setLength(0);
      }
    }
    if (!current.isEmpty()) {
      commands.add(current.toString());
    }
    return commands;
  }
}

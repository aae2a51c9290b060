package io.starmap.importer.internal;

import io.starmap.importer.ImportException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Expands files, directories (recursively, hidden files skipped) and globs into input files. */
public final class FileSet {
  private FileSet() {}

  /** The input files of {@code paths}, in the order given, each directory's files sorted. */
  public static List<InputFile> expand(List<String> paths) {
    Map<Path, InputFile> out = new LinkedHashMap<>();
    for (String p : paths) {
      List<Path> found = new ArrayList<>();
      if (p.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
        glob(p, found);
        if (found.isEmpty()) {
          throw new ImportException("no file matches " + p);
        }
      } else {
        Path path = Path.of(p);
        if (Files.isDirectory(path)) {
          walk(path, found, null);
        } else if (Files.isRegularFile(path)) {
          found.add(path);
        } else {
          throw new ImportException("no such file or directory: " + p);
        }
      }
      for (Path f : found) {
        Path abs = f.toAbsolutePath().normalize();
        try {
          out.putIfAbsent(abs, new InputFile(f.toString(), abs, Files.size(f),
              f.getFileName().toString().endsWith(".gz")));
        } catch (IOException e) {
          throw new ImportException("cannot read " + f + ": " + e.getMessage(), e);
        }
      }
    }
    return new ArrayList<>(out.values());
  }

  private static void glob(String pattern, List<Path> found) {
    int firstGlob = 0;
    while (firstGlob < pattern.length() && "*?[{".indexOf(pattern.charAt(firstGlob)) < 0) {
      firstGlob++;
    }
    int sep = pattern.lastIndexOf('/', firstGlob);
    Path base = sep < 0 ? Path.of("") : Path.of(sep == 0 ? "/" : pattern.substring(0, sep));
    String normalized = sep < 0 ? pattern : pattern;
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + normalized);
    if (!Files.isDirectory(sep < 0 ? Path.of(".") : base)) {
      return;
    }
    walk(sep < 0 ? Path.of("") : base, found, m);
  }

  private static void walk(Path dir, List<Path> found, PathMatcher m) {
    Path start = dir.toString().isEmpty() ? Path.of(".") : dir;
    try (Stream<Path> s = Files.walk(start)) {
      s.filter(Files::isRegularFile)
          .map(f -> dir.toString().isEmpty() ? start.relativize(f) : f)
          .filter(f -> !hidden(f, dir))
          .filter(f -> m == null || m.matches(f))
          .sorted()
          .forEach(found::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean hidden(Path f, Path dir) {
    Path rel = dir.toString().isEmpty() ? f : dir.relativize(f);
    for (Path part : rel) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}

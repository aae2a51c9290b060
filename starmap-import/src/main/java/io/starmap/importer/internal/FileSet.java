package io.starmap.importer.internal;

import io.starmap.importer.ImportException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/** Expands files, directories (recursively, hidden files skipped) and globs into input files. */
public final class FileSet {
  private FileSet() {}

  /** Directories being listed ahead of the run that will ask for them (see {@link #prefetch}). */
  private static final ConcurrentHashMap<String,
      CompletableFuture<List<InputFile>>> AHEAD =
      new ConcurrentHashMap<>();

  /**
   * Starts listing a directory in the background, for an {@link #expand} of exactly that path
   * that may follow (the command line parses meanwhile): listing tens of thousands of files takes
   * a fifth of a second. Not a directory: nothing happens.
   */
  public static void prefetch(String path) {
    if (!Files.isDirectory(Path.of(path))) {
      return;
    }
    AHEAD.computeIfAbsent(path, p -> {
      CompletableFuture<List<InputFile>> f =
          new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          f.complete(list(List.of(p)));
        } catch (RuntimeException e) {
          f.completeExceptionally(e);
        }
      }, "starmap-import-list");
      t.setDaemon(true);
      t.start();
      return f;
    });
  }

  /** The input files of {@code paths}, in the order given, each directory's files sorted. */
  public static List<InputFile> expand(List<String> paths) {
    CompletableFuture<List<InputFile>> ahead =
        paths.size() == 1 ? AHEAD.remove(paths.get(0)) : null;
    if (ahead != null) {
      try {
        return ahead.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
    }
    return list(paths);
  }

  private static List<InputFile> list(List<String> paths) {
    Map<Path, InputFile> out = new LinkedHashMap<>();
    for (String p : paths) {
      List<InputFile> found = new ArrayList<>();
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
          Path abs = path.toAbsolutePath().normalize();
          try {
            found.add(new InputFile(path.toString(), abs, Files.size(path),
                Compression.of(path.getFileName().toString())));
          } catch (IOException e) {
            throw new ImportException("cannot read " + path + ": " + e.getMessage(), e);
          }
        } else {
          throw new ImportException("no such file or directory: " + p);
        }
      }
      if (paths.size() == 1) {
        return found; // one directory's walk names each file once
      }
      for (InputFile f : found) {
        out.putIfAbsent(f.path(), f);
      }
    }
    return new ArrayList<>(out.values());
  }

  private static void glob(String pattern, List<InputFile> found) {
    int firstGlob = 0;
    while (firstGlob < pattern.length() && "*?[{".indexOf(pattern.charAt(firstGlob)) < 0) {
      firstGlob++;
    }
    int sep = pattern.lastIndexOf('/', firstGlob);
    Path base = sep < 0 ? Path.of("") : Path.of(sep == 0 ? "/" : pattern.substring(0, sep));
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    if (!Files.isDirectory(sep < 0 ? Path.of(".") : base)) {
      return;
    }
    walk(sep < 0 ? Path.of("") : base, found, m);
  }

  /**
   * Adds the regular files under {@code dir} (hidden files and directories skipped), sorted by
   * path, named as found from {@code dir} as given ({@code dir/sub/x.csv}; relative to the
   * current directory when {@code dir} is empty) and matching {@code m} when given. {@code dir}
   * itself may be a symbolic link to a directory; links to directories below it are not followed
   * (no cycles), links to files are files.
   */
  private static void walk(Path dir, List<InputFile> found, PathMatcher m) {
    String prefix = dir.toString();
    List<Entry> files = new ArrayList<>();
    try {
      // the directory's real path: a directory given both as itself and through a link lists
      // the same paths, which the expansion of several inputs takes once
      Path start = (prefix.isEmpty() ? Path.of(".") : dir).toRealPath();
      String base = start.toString();
      ArrayDeque<Path> dirs = new ArrayDeque<>(List.of(start));
      Path d;
      while ((d = dirs.poll()) != null) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> names = Files.newDirectoryStream(d)) {
          for (Path e : names) {
            addVisible(e, entries);
          }
        } catch (DirectoryIteratorException e) {
          throw e.getCause(); // a read that failed midway (EIO, a stale NFS handle)
        }
        BasicFileAttributes[] attrs = Stats.of(entries);
        for (int i = 0; i < attrs.length; i++) {
          take(entries.get(i), attrs[i], base.length(), dirs, files);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    // by name below the directory: the order of the paths' bytes for all but exotic names
    files.sort((a, b) -> a.rel.compareTo(b.rel));
    for (Entry e : files) {
      add(prefix, e, m, found);
    }
  }

  /** A file found below a directory: its path below it, its absolute path and its size. */
  private record Entry(String rel, Path abs, long size) {}

  // addVisible, take and add are the loops' bodies, methods of their own: a listing's loops run
  // once per import and stay interpreted, while a method called for each of 52,200 files is
  // compiled.

  /** Keeps a directory's entry unless its name starts with a dot. */
  private static void addVisible(Path e, List<Path> entries) {
    if (!hidden(e.toString())) {
      entries.add(e);
    }
  }

  /** Queues a directory, or keeps a regular file or a link to one. */
  private static void take(Path f, BasicFileAttributes a, int baseLength, ArrayDeque<Path> dirs,
      List<Entry> files) throws IOException {
    if (a.isDirectory()) {
      dirs.add(f);
    } else if (a.isRegularFile()) {
      files.add(new Entry(f.toString().substring(baseLength), f, a.size()));
    } else if (a.isSymbolicLink() && Files.isRegularFile(f)) {
      files.add(new Entry(f.toString().substring(baseLength), f, Files.size(f)));
    }
  }

  /** Adds a file found below the directory {@code prefix} (as given), if it matches. */
  private static void add(String prefix, Entry e, PathMatcher m, List<InputFile> found) {
    String rel = e.rel;
    String name;
    if (prefix.isEmpty()) {
      name = rel.startsWith("/") ? rel.substring(1) : rel;
    } else {
      name = prefix.endsWith("/") || rel.startsWith("/") ? prefix + rel : prefix + "/" + rel;
    }
    if (m == null || m.matches(Path.of(name))) {
      found.add(new InputFile(name, e.abs, e.size, Compression.of(name)));
    }
  }

  /** Whether the last name of a path starts with a dot. */
  private static boolean hidden(String path) {
    int slash = path.lastIndexOf('/');
    return path.startsWith(".", slash + 1);
  }
}

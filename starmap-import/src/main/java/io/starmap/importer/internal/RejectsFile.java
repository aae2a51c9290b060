package io.starmap.importer.internal;

import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.importer.ImportException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The rejects file of a run: created, owner-only, at its first bad row; one CSV row per reject
 * ({@code file,line,reason,record}), the record being the original bytes copied from the input.
 */
public final class RejectsFile implements AutoCloseable {
  private final Supplier<Path> where;
  private Path path;
  private OutputStream out;

  /**
   * A rejects file that is created at the first {@link #write}.
   *
   * @param where where it goes, asked at the first write (a default name holds its time)
   */
  public RejectsFile(Supplier<Path> where) {
    this.where = where;
  }

  /**
   * The default place of a run's rejects in Starmap's home: {@code calc_<id>.rejects} for a
   * recorded calculation (its id is unique in the home); otherwise a new, empty, owner-only file
   * {@code import_<time>_<random>.rejects}, made here at once so that two runs started in the same
   * millisecond (two imports of one program, say) never write into, or truncate, the same file.
   *
   * @param home Starmap's home, which exists
   * @param calcId the calculation's id, or a negative number for an import without one
   * @return the path of the rejects file
   * @throws ImportException naming the home when the new file cannot be made
   */
  public static Path defaultIn(Path home, long calcId) {
    if (calcId >= 0) {
      return home.resolve("calc_" + calcId + ".rejects");
    }
    try {
      return Files.createTempFile(home, "import_" + System.currentTimeMillis() + "_", ".rejects",
          OwnerOnly.fileAttributes());
    } catch (IOException e) {
      throw new ImportException("cannot make a rejects file in " + home + ": " + e.getMessage(), e);
    }
  }

  /** The path, or null when nothing was written (no file was made). */
  public Path path() {
    return path;
  }

  /**
   * Appends rejected rows, telling {@code messages} of each.
   *
   * @throws ImportException when the file cannot be written
   */
  public void write(List<TaskResult.Reject> rejects, Consumer<String> messages) {
    if (rejects.isEmpty()) {
      return;
    }
    if (out == null) {
      path = where.get();
      out = open(path);
    }
    try {
      for (TaskResult.Reject r : rejects) {
        out.write(csv(r.file()).getBytes(StandardCharsets.UTF_8));
        out.write((',' + Long.toString(r.line()) + ',').getBytes(StandardCharsets.UTF_8));
        out.write(csv(r.reason()).getBytes(StandardCharsets.UTF_8));
        out.write(',');
        r.writeRecordTo(out);
        out.write('\n');
        messages.accept("rejected " + r.file() + ":" + r.line() + ": " + r.reason());
      }
    } catch (IOException e) {
      throw new ImportException("cannot write rejected rows to " + path + ": " + e.getMessage(),
          e);
    }
  }

  private static OutputStream open(Path p) {
    try {
      if (p.getParent() != null) {
        OwnerOnly.createDirectories(p.getParent());
      }
      // owner-only from its creation: it holds raw input rows
      OutputStream out = new BufferedOutputStream(OwnerOnly.newOutputStream(p), 1 << 16);
      out.write("file,line,reason,record\n".getBytes(StandardCharsets.UTF_8));
      return out;
    } catch (IOException e) {
      throw new ImportException("cannot write the rejects file " + p + ": " + e.getMessage(), e);
    }
  }

  private static String csv(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /**
   * Closes the file if it was made.
   *
   * @throws ImportException when its last bytes cannot be written
   */
  @Override
  public void close() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      throw new ImportException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }
}

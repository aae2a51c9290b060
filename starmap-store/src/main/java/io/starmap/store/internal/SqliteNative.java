package io.starmap.store.internal;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads sqlite-jdbc's native library from a copy kept under {@code $STARMAP_HOME/native}.
 *
 * <p>By default the driver extracts its 1 MB library to a new temporary file in every process
 * and loads it from there; for a command-line tool that is a measurable part of each command's
 * start-up (the import benchmark's profile put half of the driver's start-up there). The copy is
 * written once per driver version (the jar's name), atomically, and the driver is pointed at it
 * through its own documented properties. Anything unexpected leaves the driver's default
 * behaviour in place: this is an optimisation, never a new way to fail.
 */
final class SqliteNative {
  private static final String NAME = "libsqlitejdbc.so";
  private static final String RESOURCE = "/org/sqlite/native/Linux/x86_64/" + NAME;
  private static boolean prepared;

  private SqliteNative() {}

  /** Points the driver at the cached copy under {@code home/native}, creating it if needed. */
  static synchronized void prepare(Path home) {
    if (prepared) {
      return;
    }
    prepared = true;
    if (System.getProperty("org.sqlite.lib.path") != null
        || !System.getProperty("os.name", "").startsWith("Linux")
        || !System.getProperty("os.arch", "").matches("amd64|x86_64")
        || Files.exists(Path.of("/lib/ld-musl-x86_64.so.1"))) {
      return;
    }
    try {
      Path lib = cachedCopy(home);
      if (lib != null) {
        System.setProperty("org.sqlite.lib.path", lib.getParent().toString());
        System.setProperty("org.sqlite.lib.name", NAME);
      }
    } catch (IOException | RuntimeException e) {
      // The driver extracts its own copy as usual.
    }
  }

  /**
   * The driver's library copied once to {@code home/native/<driver jar>/}, or null when the
   * driver is not loaded from a jar or has no library for this platform.
   */
  static Path cachedCopy(Path home) throws IOException {
    Path jar;
    try {
      jar = Path.of(org.sqlite.JDBC.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return null;
    }
    String version = jar.getFileName().toString();
    if (!version.endsWith(".jar")) {
      return null;
    }
    Path dir = home.resolve("native").resolve(version.substring(0, version.length() - 4));
    Path lib = dir.resolve(NAME);
    if (Files.isRegularFile(lib)) {
      return lib;
    }
    OwnerOnly.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, NAME, ".tmp", OwnerOnly.fileAttributes());
    try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return null;
      }
      // into the 0600 file made above (Files.copy would make a new one with the usual mode)
      try (OutputStream out = OwnerOnly.newOutputStream(tmp)) {
        in.transferTo(out);
      }
      // Atomic, so that two processes starting at once never load a half-written library.
      Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE);
      return lib;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}

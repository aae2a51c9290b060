package io.starmap.store;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where Starmap keeps its state: {@code $STARMAP_HOME}, else {@code ~/.starmap}. It holds {@code
 * db.sqlite} (the calculations), {@code calc_<id>.hdf5} (one datastore per calculation), rejects
 * of imports, and {@code pg/} (the embedded PostgreSQL). It and every file Starmap writes in it are
 * readable by their owner only (0700 and 0600 where permissions are POSIX).
 */
public final class StarmapHome {
  private StarmapHome() {}

  /**
   * The home directory from the system property {@code starmap.home} (set by tests and embedding
   * programs), else from the process environment; created if missing.
   *
   * @return the absolute, normalized home directory, which exists and is private to its owner
   * @throws java.io.UncheckedIOException naming the directory when it cannot be created or
   *     restricted
   */
  public static Path resolve() {
    String property = System.getProperty("starmap.home");
    if (property != null && !property.isBlank()) {
      return resolve(Map.of("STARMAP_HOME", property));
    }
    return resolve(System.getenv());
  }

  /** {@code ~} as the shell means it: {@code $HOME}, else the JVM's idea of the user's home. */
  private static String userHome(Map<String, String> env) {
    String home = env.get("HOME");
    return home != null && !home.isBlank() ? home : System.getProperty("user.home");
  }

  /**
   * The home directory from {@code env} ({@code STARMAP_HOME}, else {@code $HOME/.starmap}),
   * created if missing. It is private to its owner: created 0700, and an existing one that others
   * may read (0755, as earlier versions made it) is made 0700, since it holds input rows, results
   * and the embedded database.
   *
   * @param env the environment to read {@code STARMAP_HOME} and {@code HOME} from, usually
   *     {@link System#getenv()}
   * @return the absolute, normalized home directory, which exists and is private to its owner
   * @throws java.io.UncheckedIOException naming the directory when it cannot be created or
   *     restricted
   */
  public static Path resolve(Map<String, String> env) {
    String configured = env.get("STARMAP_HOME");
    Path home = configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(userHome(env), ".starmap");
    try {
      OwnerOnly.createDirectories(home);
      OwnerOnly.restrictDirectory(home);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create STARMAP_HOME " + home.toAbsolutePath()
          + ": " + e.getMessage(), e);
    }
    return home.toAbsolutePath().normalize();
  }
}

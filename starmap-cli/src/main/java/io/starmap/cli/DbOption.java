package io.starmap.cli;

import io.starmap.importer.db.Database;
import io.starmap.importer.db.DatabaseUnavailableException;
import io.starmap.importer.db.Databases;
import io.starmap.store.StarmapHome;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --db URL} option of every command that uses PostgreSQL, as a picocli mixin:
 * {@code @Mixin DbOption db;} then {@code try (Database d = db.open(err)) { ... }}. Without {@code
 * --db}, {@code $STARMAP_DB} is used, and without that the embedded PostgreSQL of {@code
 * $STARMAP_HOME}, started for the command and stopped when it ends.
 */
public final class DbOption {
  /** The environment variable read when {@code --db} is not given. */
  public static final String ENV = "STARMAP_DB";

  @Option(names = "--db", paramLabel = "URL",
      description = "PostgreSQL to use: postgresql://user:password@host:port/database or "
          + "jdbc:postgresql://host:port/database?user=..&password=.. "
          + "(default: $STARMAP_DB, else the embedded PostgreSQL in $STARMAP_HOME/pg).")
  String url;

  /** The URL given by {@code --db} or {@code $STARMAP_DB}, or null for the embedded database. */
  public String url() {
    if (url != null && !url.isBlank()) {
      return url;
    }
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? null : env;
  }

  /**
   * Opens the selected database. When the embedded one must first be created, one line on {@code
   * err} says so (it takes a few seconds).
   *
   * @throws UserException exit 2 for a malformed URL, exit 1 if the database cannot be started
   */
  public Database open(PrintWriter err) {
    String u = url();
    try {
      if (u == null) {
        Path home = StarmapHome.resolve();
        if (!Files.exists(home.resolve("pg/data/PG_VERSION")) && err != null) {
          err.println("starmap: creating the embedded PostgreSQL in " + home.resolve("pg")
              + " (first use)...");
          err.flush();
        }
        return Databases.open(null, home);
      }
      return Databases.open(u);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e, 2);
    } catch (DatabaseUnavailableException e) {
      throw new UserException(e.getMessage(), e);
    }
  }
}

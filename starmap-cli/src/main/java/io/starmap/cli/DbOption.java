package io.starmap.cli;

import io.starmap.importer.db.Database;
import io.starmap.importer.db.DatabaseUnavailableException;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.importer.db.Databases;
import io.starmap.store.StarmapHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --db URL} option of every command that uses PostgreSQL, as a picocli mixin:
 * {@code @Mixin DbOption db;} then {@code try (Database d = db.open(err)) { ... }}. Without {@code
 * --db}, {@code $STARMAP_DB} is used, and without that the embedded PostgreSQL of {@code
 * $STARMAP_HOME}, started for the command and stopped when it ends.
 *
 * <p>A password on a command line is readable by every local user ({@code /proc/PID/cmdline}), so
 * the ways that keep it off are offered first: {@code $STARMAP_DB}, {@code --db-password-file},
 * and PostgreSQL's own {@code $PGPASSWORD}, {@code $PGPASSFILE}, {@code ~/.pgpass} and {@code
 * passfile=} (see {@link io.starmap.importer.db.DatabaseUrl#resolvedPassword()}).
 */
public final class DbOption {
  /** The environment variable read when {@code --db} is not given. */
  public static final String ENV = "STARMAP_DB";

  @Option(names = "--db", paramLabel = "URL",
      description = "PostgreSQL to use: postgresql://user@host:port/database or "
          + "jdbc:postgresql://host:port/database?user=.. (default: $STARMAP_DB, else the "
          + "embedded PostgreSQL in $STARMAP_HOME/pg). Keep the password off the command line, "
          + "where any local user can read it: put the URL in $STARMAP_DB, or the password in "
          + "--db-password-file, $PGPASSWORD, $PGPASSFILE, ~/.pgpass or ?passfile=FILE.")
  String url;

  @Option(names = "--db-password-file", paramLabel = "FILE",
      description = "Read the password of the --db (or $STARMAP_DB) URL from the first line of "
          + "FILE.")
  Path passwordFile;

  /** The URL given by {@code --db} or {@code $STARMAP_DB}, or null for the embedded database. */
  public String url() {
    if (url != null && !url.isBlank()) {
      return url;
    }
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? null : env;
  }

  /**
   * The URL of {@code --db} or {@code $STARMAP_DB}, with the password of {@code
   * --db-password-file} if given; null for the embedded database.
   *
   * @throws IllegalArgumentException for a malformed URL
   * @throws UserException when the password file cannot be read
   */
  public DatabaseUrl parsedUrl() {
    String u = url();
    if (u == null) {
      return null;
    }
    DatabaseUrl parsed = DatabaseUrl.parse(u);
    if (passwordFile == null) {
      return parsed;
    }
    String text;
    try {
      text = Files.readString(passwordFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserException("cannot read --db-password-file " + passwordFile + ": "
          + e.getMessage(), e, 2);
    }
    String pw = text.lines().findFirst().orElse("");
    if (pw.isEmpty()) {
      throw new UserException("--db-password-file " + passwordFile + " has an empty first line",
          null, 2);
    }
    return parsed.withPassword(pw);
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
      if (passwordFile != null) {
        if (u == null) {
          throw new UserException("--db-password-file needs --db or $STARMAP_DB: the embedded "
              + "PostgreSQL keeps its own password", null, 2);
        }
        return Databases.at(parsedUrl());
      }
      if (u == null) {
        Path home = StarmapHome.resolve();
        if (!Files.exists(home.resolve("pg/data/PG_VERSION")) && err != null) {
          err.println("starmap: creating the embedded PostgreSQL in " + home.resolve("pg")
              + " (first use)...");
          err.flush();
        }
        return EmbeddedDatabase.open(home);
      }
      return Databases.open(u);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e, 2);
    } catch (DatabaseUnavailableException e) {
      throw new UserException(e.getMessage(), e);
    }
  }
}

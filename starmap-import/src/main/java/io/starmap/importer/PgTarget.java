package io.starmap.importer;

import io.starmap.importer.db.Database;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.store.Secrets;
import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * Where an import writes: a PostgreSQL JDBC URL and its credentials. It travels with every task (to
 * worker processes too), so it is serializable; its password never appears in {@link #toString}.
 *
 * @param jdbcUrl a {@code jdbc:postgresql://...} URL
 * @param user the user, or null to take it from the URL
 * @param password the password, or null
 */
public record PgTarget(String jdbcUrl, String user, String password) implements Serializable {

  /** Validates the URL. */
  public PgTarget {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db): '" + redact(jdbcUrl) + "'");
    }
  }

  /**
   * A target from a URL that carries its own credentials, if any.
   *
   * @param jdbcUrl a {@code jdbc:postgresql://...} URL, with or without user and password
   * @return a target without separate credentials
   * @throws IllegalArgumentException when the URL is not a PostgreSQL JDBC URL
   */
  public static PgTarget of(String jdbcUrl) {
    return new PgTarget(jdbcUrl, null, null);
  }

  /**
   * The target of a {@link io.starmap.importer.db.Database} (the embedded one or a URL's).
   *
   * @param db an open database, embedded or from a URL
   * @return a target for its workers: the embedded server's password file is named, never copied;
   *     another server's password is resolved here, once, and carried with the target
   */
  public static PgTarget of(Database db) {
    DatabaseUrl url = db.url();
    String passfile = url.params().get(DatabaseUrl.PASSFILE);
    if (url.password() == null && passfile != null) {
      // The embedded server (127.0.0.1): only workers on this machine can reach it, and they read
      // the password file themselves, so the password never travels with the tasks.
      String jdbc = url.jdbcUrl();
      return new PgTarget(jdbc + (jdbc.contains("?") ? "&" : "?") + DatabaseUrl.PASSFILE + "="
          + URLEncoder.encode(passfile, StandardCharsets.UTF_8), url.user(), null);
    }
    // Resolved here, once: a worker may run where the password file or variable is not.
    return new PgTarget(url.jdbcUrl(), url.user(), url.resolvedPassword().orElse(null));
  }

  /**
   * Opens a new connection.
   *
   * @return a new connection, which the caller closes
   * @throws SQLException when the server cannot be reached or refuses the login
   */
  public Connection connect() throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    String url = jdbcUrl;
    if (password != null) {
      p.setProperty("password", password);
    } else if (jdbcUrl.contains(DatabaseUrl.PASSFILE + "=")) {
      DatabaseUrl parsed = DatabaseUrl.parse(jdbcUrl);
      if (user != null) {
        parsed = new DatabaseUrl(parsed.host(), parsed.port(), parsed.database(), user, null,
            parsed.params());
      }
      parsed.resolvedPassword().ifPresent(pw -> p.setProperty("password", pw));
      url = parsed.jdbcUrl(); // without passfile, which the driver does not know
    }
    return DriverManager.getConnection(url, p);
  }

  /**
   * The URL without any password, for messages and records.
   *
   * @return the URL with any password masked, followed by the user when one is set
   */
  public String redacted() {
    return Secrets.redactWith(jdbcUrl, password)
        + (user != null ? " (user " + user + ")" : "");
  }

  private static String redact(String url) {
    return Secrets.redact(url);
  }

  @Override
  public String toString() {
    return redacted();
  }
}

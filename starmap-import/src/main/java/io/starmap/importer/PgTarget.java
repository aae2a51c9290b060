package io.starmap.importer;

import java.io.Serializable;
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

  /** A target from a URL that carries its own credentials, if any. */
  public static PgTarget of(String jdbcUrl) {
    return new PgTarget(jdbcUrl, null, null);
  }

  /** The target of a {@link io.starmap.importer.db.Database} (the embedded one or a URL's). */
  public static PgTarget of(io.starmap.importer.db.Database db) {
    var url = db.url();
    // Resolved here, once: a worker may run where the password file or variable is not.
    return new PgTarget(url.jdbcUrl(), url.user(), url.resolvedPassword().orElse(null));
  }

  /** Opens a new connection. */
  public Connection connect() throws SQLException {
    Properties p = new Properties();
    if (user != null) {
      p.setProperty("user", user);
    }
    if (password != null) {
      p.setProperty("password", password);
    }
    return DriverManager.getConnection(jdbcUrl, p);
  }

  /** The URL without any password, for messages and records. */
  public String redacted() {
    return io.starmap.store.Secrets.redactWith(jdbcUrl, password)
        + (user != null ? " (user " + user + ")" : "");
  }

  private static String redact(String url) {
    return io.starmap.store.Secrets.redact(url);
  }

  @Override
  public String toString() {
    return redacted();
  }
}

package io.starmap.importer.db;

import io.starmap.store.StarmapHome;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The one way to get a {@link Database}: a URL for any reachable PostgreSQL, or nothing for the
 * embedded PostgreSQL under {@code $STARMAP_HOME/pg}, started on demand.
 */
public final class Databases {
  /** Seconds to wait for a TCP connection or a login before giving up. */
  static final int CONNECT_TIMEOUT_SECONDS = 10;

  private Databases() {}

  /**
   * Opens the database at {@code urlOrNull}, or the embedded one of {@code $STARMAP_HOME} when it is
   * null or blank.
   *
   * @param urlOrNull a database URL, or null or blank for the embedded server
   * @return an open database; close it when done
   * @throws IllegalArgumentException when the URL is malformed
   * @throws DatabaseUnavailableException when the embedded server cannot be started
   */
  public static Database open(String urlOrNull) {
    if (urlOrNull == null || urlOrNull.isBlank()) {
      return open(null, StarmapHome.resolve());
    }
    return new RemoteDatabase(DatabaseUrl.parse(urlOrNull));
  }

  /**
   * Opens the database at {@code urlOrNull}, or the embedded one under {@code starmapHome/pg} when
   * it is null or blank.
   *
   * @param urlOrNull a database URL, or null or blank for the embedded server
   * @param starmapHome the Starmap home whose {@code pg} directory holds the embedded server
   * @return an open database; close it when done
   * @throws IllegalArgumentException when the URL is malformed
   * @throws DatabaseUnavailableException when the embedded server cannot be started
   */
  public static Database open(String urlOrNull, Path starmapHome) {
    if (urlOrNull == null || urlOrNull.isBlank()) {
      return EmbeddedServer.at(starmapHome).acquire();
    }
    return new RemoteDatabase(DatabaseUrl.parse(urlOrNull));
  }

  /**
   * The database at a parsed URL: nothing is started or stopped, {@link Database#close()} does
   * nothing. Use it for a second database on a server that another {@link Database} manages.
   *
   * @param url the database's URL
   * @return a database whose {@code close} does nothing
   */
  public static Database at(DatabaseUrl url) {
    return new RemoteDatabase(java.util.Objects.requireNonNull(url, "url"));
  }

  /** Connects with pgjdbc, turning failures into one line that names host, port and database. */
  static Connection connect(DatabaseUrl url) {
    Properties props = url.connectionProperties();
    props.putIfAbsent("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    props.putIfAbsent("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    props.putIfAbsent("ApplicationName", "starmap");
    try {
      Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
      if (c == null) {
        throw new SQLException("no JDBC driver accepts " + url.jdbcUrl());
      }
      return c;
    } catch (SQLException e) {
      throw new DatabaseUnavailableException("cannot connect to PostgreSQL at " + hostPort(url)
          + " (database " + url.database() + "): " + url.redactIn(reason(e)), e);
    }
  }

  private static String hostPort(DatabaseUrl url) {
    return (url.host().contains(":") ? "[" + url.host() + "]" : url.host()) + ":" + url.port();
  }

  /** The most telling short reason: the network error if there is one, else the server's words. */
  private static String reason(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException
          || t instanceof SocketTimeoutException) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.replaceAll(" \\(.*\\)$", "");
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    // pgjdbc prefixes server errors with "FATAL: " and may add hints on further lines.
    return DatabaseUrl.redact(m.lines().findFirst().orElse(m).strip());
  }

  /** A PostgreSQL server given by URL: nothing to start or stop. */
  private record RemoteDatabase(DatabaseUrl url) implements Database {
    @Override
    public Connection connect() {
      return Databases.connect(url);
    }

    @Override
    public boolean embedded() {
      return false;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return url.redacted();
    }
  }
}

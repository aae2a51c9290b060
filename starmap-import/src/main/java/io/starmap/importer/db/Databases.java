package io.starmap.importer.db;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The ways to get a {@link Database}: a URL for any reachable PostgreSQL, or a lease on a server
 * that someone else starts and stops, such as Starmap's embedded PostgreSQL.
 *
 * <p>The embedded server is a module of its own ({@code io.starmap.embedded}), which this one does
 * not depend on: its binaries are tens of MB that a user of their own server does not need. The
 * caller that offers it (the command line, the tests) takes a lease there and passes its URL and
 * its release to {@link #embedded}; a choice made by the caller, rather than found at run time
 * (a service loader), fails at compile time when the module is missing, not at a user's first
 * import.
 */
public final class Databases {
  /** Seconds to wait for a TCP connection or a login before giving up. */
  static final int CONNECT_TIMEOUT_SECONDS = 10;

  private Databases() {}

  /**
   * Opens the database at {@code url}.
   *
   * @param url a database URL ({@code postgresql://...}, {@code postgres://...} or {@code
   *     jdbc:postgresql://...})
   * @return an open database; close it when done (it does nothing)
   * @throws IllegalArgumentException when the URL is blank or malformed
   */
  public static Database open(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("no database URL: give the URL of a PostgreSQL server"
          + " (the embedded server is io.starmap.embedded.EmbeddedServer)");
    }
    return new RemoteDatabase(DatabaseUrl.parse(url));
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

  /**
   * The database of a lease on the embedded PostgreSQL: {@link Database#embedded()} is true, and
   * {@link Database#close()} runs {@code release} once, after which {@code connect} fails.
   *
   * @param url the URL of the leased server's database (its password in a {@code passfile})
   * @param release what drops the lease, run by the first {@code close}
   * @return a database that holds the lease until closed
   */
  public static Database embedded(DatabaseUrl url, Runnable release) {
    return new LeasedDatabase(java.util.Objects.requireNonNull(url, "url"),
        java.util.Objects.requireNonNull(release, "release"));
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

  /** A lease on a server that its owner starts and stops: the embedded PostgreSQL. */
  private static final class LeasedDatabase implements Database {
    private final DatabaseUrl url;
    private final Runnable release;
    private final java.util.concurrent.atomic.AtomicBoolean closed =
        new java.util.concurrent.atomic.AtomicBoolean();

    LeasedDatabase(DatabaseUrl url, Runnable release) {
      this.url = url;
      this.release = release;
    }

    @Override
    public DatabaseUrl url() {
      return url;
    }

    @Override
    public Connection connect() {
      if (closed.get()) {
        throw new IllegalStateException("embedded database " + url + " is closed");
      }
      return Databases.connect(url);
    }

    @Override
    public boolean embedded() {
      return true;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        release.run();
      }
    }

    @Override
    public String toString() {
      return "embedded " + url;
    }
  }
}

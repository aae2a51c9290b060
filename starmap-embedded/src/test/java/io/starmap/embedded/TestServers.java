package io.starmap.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** What the tests of the embedded server share: the binaries cache, and a login with a lease. */
final class TestServers {
  private TestServers() {}

  /**
   * The binaries cache shared by all test JVMs of this machine: the same directory as the
   * importer's PostgresExtension uses, so the binaries are extracted once.
   */
  static Path binariesCache() {
    String p = System.getProperty("starmap.test.pg.binaries");
    return p != null ? Path.of(p)
        : Path.of(System.getProperty("java.io.tmpdir"), "starmap-test-pg-binaries");
  }

  /** A connection to the leased server, with the password read from its password file. */
  static Connection connect(Lease lease) throws SQLException {
    if (lease.closed()) {
      throw new IllegalStateException(lease + " is closed");
    }
    Properties p = new Properties();
    p.setProperty("user", lease.user());
    p.setProperty("password", password(lease.passFile()));
    return DriverManager.getConnection("jdbc:postgresql://" + lease.host() + ":" + lease.port()
        + "/" + lease.user(), p);
  }

  /** The password of a password file of libpq's format whose lines are {@code h:p:d:u:pw}. */
  private static String password(Path passFile) {
    try {
      return Files.readAllLines(passFile).getFirst().split(":", 5)[4];
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}

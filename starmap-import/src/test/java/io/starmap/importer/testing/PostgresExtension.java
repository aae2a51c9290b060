package io.starmap.importer.testing;

import io.starmap.embedded.EmbeddedServer;
import io.starmap.embedded.Lease;
import io.starmap.importer.db.Database;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.importer.db.Databases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a real PostgreSQL: the embedded server, in a temporary directory, started once
 * per test JVM and stopped when the JVM ends. Each test class gets its own database on it (created
 * before the class, dropped after), so classes never see each other's tables.
 *
 * <pre>{@code
 * @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
 * try (Connection c = PG.database().connect()) { ... }
 * String table = PG.freshTable("id int, name text");
 * }</pre>
 *
 * <p>A test class that ends with more leases of the server open than it started with fails: a
 * {@code Database} or {@code Lease} left open would keep a user's embedded server running.
 *
 * <p>The server is not durable (fsync off) to keep tests quick. Its binaries are extracted once into
 * {@code java.io.tmpdir/starmap-test-pg-binaries} (or the directory of the system property {@code
 * starmap.test.pg.binaries}) and shared by every test JVM.
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static Shared shared;

  private volatile Database database;
  private volatile String databaseName;
  private int leasesBefore;

  /** The embedded server of this JVM and the handle that keeps it running. */
  private record Shared(EmbeddedServer server, Database admin, Path dir) {}

  /** The binaries cache shared by all test JVMs of this machine. */
  public static Path binariesCache() {
    String p = System.getProperty("starmap.test.pg.binaries");
    return p != null ? Path.of(p)
        : Path.of(System.getProperty("java.io.tmpdir"), "starmap-test-pg-binaries");
  }

  private static synchronized Shared shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("starmap-test-pg-");
        EmbeddedServer server = EmbeddedServer.in(dir, binariesCache(), false);
        Database admin = acquire(server);
        shared = new Shared(server, admin, dir);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          admin.close();
          // This JVM's own server: stopped even if a test left a lease open, which would
          // otherwise keep it running until it misses its deleted directory, up to a minute on.
          try {
            server.stop(true);
          } catch (RuntimeException e) {
            System.err.println("starmap-test-pg-cleanup: " + e.getMessage());
          }
          deleteQuietly(dir);
        }, "starmap-test-pg-cleanup"));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return shared;
  }

  /**
   * A lease on {@code server} (started if needed) as the importer's {@link Database}, as the
   * command line takes it: closing it drops the lease.
   */
  public static Database acquire(EmbeddedServer server) {
    Lease lease = server.acquire();
    return Databases.embedded(new DatabaseUrl(lease.host(), lease.port(), lease.user(),
        lease.user(), null, Map.of(DatabaseUrl.PASSFILE, lease.passFile().toString())),
        lease::close);
  }

  /** The embedded server behind every database of this JVM's tests. */
  public EmbeddedServer server() {
    return shared().server();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    database();
    leasesBefore = shared().server().status().users();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    String name = databaseName;
    if (name != null) {
      try (Connection c = shared().admin().connect(); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      } catch (SQLException e) {
        throw new IllegalStateException("cannot drop test database " + name, e);
      }
      databaseName = null;
      database = null;
    }
    // A lease more than before the class is a Database or Lease that a test, or the code it
    // runs, did not close: a user's embedded server would then outlive the run.
    int leases = shared().server().status().users();
    if (leases > leasesBefore) {
      throw new AssertionError(context.getDisplayName() + " left " + (leases - leasesBefore)
          + " lease(s) of the embedded server open: close every Database and Lease taken");
    }
  }

  /** This test class's own database (created on first use). */
  public synchronized Database database() {
    if (database == null) {
      Shared s = shared();
      String name = "t" + NAMES.incrementAndGet();
      exec(s.admin(), "CREATE DATABASE " + name);
      DatabaseUrl base = s.admin().url();
      DatabaseUrl url = new DatabaseUrl(base.host(), base.port(), name, base.user(), null,
          base.params());
      databaseName = name;
      database = new ClassDatabase(url, s.admin());
    }
    return database;
  }

  /** A new connection to this class's database. */
  public Connection connect() {
    return database().connect();
  }

  /** Creates a new, empty schema in this class's database and returns its name. */
  public String freshSchema() {
    String name = "s" + NAMES.incrementAndGet();
    exec(database(), "CREATE SCHEMA " + name);
    return name;
  }

  /**
   * Creates a new table with these column definitions (for example {@code "id int, name text"}) and
   * returns its name.
   */
  public String freshTable(String columns) {
    String name = "tab" + NAMES.incrementAndGet();
    exec(database(), "CREATE TABLE " + name + " (" + columns + ")");
    return name;
  }

  /** Runs one statement on {@code db}. */
  public static void exec(Database db, String sql) {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // A temporary directory: the OS cleans up what is left.
    }
  }

  /** A database on the shared server; closing it leaves the server to the JVM's end. */
  private record ClassDatabase(DatabaseUrl url, Database server) implements Database {
    @Override
    public Connection connect() {
      return Databases.at(url).connect();
    }

    @Override
    public boolean embedded() {
      return true;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "test database " + url.database() + " on " + url;
    }
  }

  @Override
  public String toString() {
    return "PostgresExtension" + (databaseName == null ? "" : " " + databaseName.toLowerCase(Locale.ROOT));
  }
}

package io.starmap.cli;

import io.starmap.embedded.EmbeddedServer;
import io.starmap.embedded.EmbeddedServerException;
import io.starmap.embedded.Lease;
import io.starmap.importer.db.Database;
import io.starmap.importer.db.DatabaseUnavailableException;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.importer.db.Databases;
import java.nio.file.Path;
import java.util.Map;

/**
 * The embedded PostgreSQL of {@code $STARMAP_HOME} as the importer's {@link Database}: the command
 * line takes a lease on it when no {@code --db} is given. The importer does not know the embedded
 * server (a module of its own, with the binaries); this is where the two meet.
 */
final class EmbeddedDatabase {
  private EmbeddedDatabase() {}

  /**
   * A lease on the embedded server of {@code home} (started if needed), closed with the database.
   *
   * @throws DatabaseUnavailableException when the server cannot be started
   */
  static Database open(Path home) {
    EmbeddedServer server = EmbeddedServer.at(home);
    Lease lease;
    try {
      lease = server.acquire();
    } catch (EmbeddedServerException e) {
      throw unavailable(e);
    }
    return Databases.embedded(url(server, lease.port()), () -> {
      try {
        lease.close();
      } catch (EmbeddedServerException e) {
        throw unavailable(e);
      }
    });
  }

  /** The URL of the embedded database at {@code port}: its password stays in its file. */
  static DatabaseUrl url(EmbeddedServer server, int port) {
    return new DatabaseUrl(EmbeddedServer.HOST, port, EmbeddedServer.USER, EmbeddedServer.USER,
        null, Map.of(DatabaseUrl.PASSFILE, server.passFile().toString()));
  }

  /** The failure in the command line's words: a server by URL, where that is the way out. */
  static String message(EmbeddedServerException e) {
    return switch (e.reason()) {
      case UNSUPPORTED_PLATFORM -> e.getMessage() + ": pass --db URL of a PostgreSQL server";
      case CANNOT_RUN_AS_ROOT -> e.getMessage() + ", or pass --db URL of a PostgreSQL server";
      case FAILED -> e.getMessage();
    };
  }

  static DatabaseUnavailableException unavailable(EmbeddedServerException e) {
    return new DatabaseUnavailableException(message(e), e);
  }
}

package io.starmap.cli;

import io.starmap.importer.db.Database;
import io.starmap.importer.db.DatabaseUnavailableException;
import io.starmap.importer.db.Databases;

/**
 * The server a benchmark runs against, held open for the whole benchmark so that the embedded
 * PostgreSQL stays up between the runs of the processes it starts.
 */
final class BenchDatabase implements AutoCloseable {
  private final Database database;

  private BenchDatabase(Database database) {
    this.database = database;
  }

  /** The database at {@code urlOrNull}, or the embedded PostgreSQL when it is null. */
  static BenchDatabase open(String urlOrNull) {
    try {
      return new BenchDatabase(Databases.open(urlOrNull));
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e, 2);
    } catch (DatabaseUnavailableException e) {
      throw new UserException(e.getMessage(), e);
    }
  }

  /** A URL that psql accepts. */
  String psqlUrl() {
    return database.url().psqlUrl();
  }

  @Override
  public void close() {
    database.close();
  }
}

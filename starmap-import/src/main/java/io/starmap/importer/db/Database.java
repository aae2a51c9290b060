package io.starmap.importer.db;

import java.sql.Connection;

/**
 * A PostgreSQL database that commands work on: a remote one given by URL, or the embedded one.
 * Closing it releases what opening it took (for the embedded server: this process's lease, which
 * may stop the server).
 */
public interface Database extends AutoCloseable {

  /**
   * Where the database is; its {@code toString()} is redacted.
   *
   * @return the database's URL; its password, if any, is masked by {@code toString()}
   */
  DatabaseUrl url();

  /**
   * A new connection, owned by the caller.
   *
   * @return a new connection
   * @throws DatabaseUnavailableException when the server cannot be reached or refuses the login
   */
  Connection connect();

  /**
   * Whether this is Starmap's embedded PostgreSQL.
   *
   * @return true for the embedded server, false for a database given by URL
   */
  boolean embedded();

  /** Releases this handle; connections already handed out stay the caller's to close. */
  @Override
  void close();
}

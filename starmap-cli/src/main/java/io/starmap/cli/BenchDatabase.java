package io.starmap.cli;

/**
 * The server a benchmark runs against, held open for the whole benchmark so that the embedded
 * PostgreSQL stays up between runs.
 */
final class BenchDatabase implements AutoCloseable {
  private final String psqlUrl;

  private BenchDatabase(String psqlUrl) {
    this.psqlUrl = psqlUrl;
  }

  /** The database at {@code urlOrNull}. */
  static BenchDatabase open(String urlOrNull) {
    if (urlOrNull == null) {
      // Replaced by the embedded PostgreSQL when the database layer lands.
      throw new UserException("--db URL is required for now");
    }
    return new BenchDatabase(urlOrNull);
  }

  /** A URL that psql accepts. */
  String psqlUrl() {
    return psqlUrl;
  }

  @Override
  public void close() {}
}

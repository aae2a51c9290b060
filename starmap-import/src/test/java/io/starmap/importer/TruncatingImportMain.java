package io.starmap.importer;

/**
 * An import with {@code truncate} in a JVM of its own, for {@link TruncateIT}'s kill -9:
 * {@code TruncatingImportMain JDBC_URL USER TABLE PATH}, the password in {@code $PGPASSWORD}.
 * One worker and tasks of 1 MB, so that the load takes long enough to be killed in the middle.
 */
public final class TruncatingImportMain {
  private TruncatingImportMain() {}

  /** Runs one import with truncate and prints its report. */
  public static void main(String[] args) {
    PgTarget target = new PgTarget(args[0], args[1], System.getenv("PGPASSWORD"));
    ImportOptions o = ImportOptions.builder(args[2]).path(args[3]).create(TruncateIT.COLUMNS)
        .header(Header.NO).truncate(true).taskSizeMb(1).workers(1).build();
    System.out.println(Importer.run(target, o, ImportListener.none()));
  }
}

package io.starmap.importer;

import java.util.List;

/**
 * An import in a JVM of its own, for the kill -9 test: {@code ImportMain JDBC_URL USER TABLE
 * TASK_MB WORKERS PATH...}, the password in {@code $PGPASSWORD} (never on a command line).
 */
public final class ImportMain {
  private ImportMain() {}

  /** Runs one import and prints its report. */
  public static void main(String[] args) {
    PgTarget target = new PgTarget(args[0], args[1], System.getenv("PGPASSWORD"));
    ImportOptions o = ImportOptions.builder(args[2]).paths(List.of(args).subList(5, args.length))
        .create("code text, date date, value numeric(12,2)").header(Header.NO)
        .taskSizeMb(Integer.parseInt(args[3])).workers(Integer.parseInt(args[4])).build();
    System.out.println(Importer.run(target, o, ImportListener.none()));
  }
}

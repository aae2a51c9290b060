package io.starmap.cli;

import io.starmap.importer.db.Database;
import io.starmap.importer.db.Databases;
import io.starmap.store.CalculationStore;
import io.starmap.store.StarmapHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What an import opens first, opened while picocli is still parsing the command line: the
 * calculation store and the database (with a first connection, which readies the JDBC driver). Parsing an import's options takes about a tenth of a second of one core, these as
 * much again, and they do not depend on the options, so both cores share the start-up. Only
 * {@link Main#main} starts it, and only for what cannot print or go wrong differently (the
 * embedded database only when it already exists); anything {@link ImportCommand} does not take
 * is closed before the process exits.
 */
final class ImportPrefetch {
  private static final AtomicReference<ImportPrefetch> CURRENT = new AtomicReference<>();

  final CompletableFuture<CalculationStore> store;
  /** Null when the embedded database does not exist yet. */
  final CompletableFuture<Database> database;
  /** The URL it was opened from, null for the embedded database. */
  final String databaseUrl;

  private ImportPrefetch(CompletableFuture<CalculationStore> store,
      CompletableFuture<Database> database, String databaseUrl) {
    this.store = store;
    this.database = database;
    this.databaseUrl = databaseUrl;
  }

  /** Starts opening when {@code args} run an import; does nothing otherwise. */
  static void startIfImport(String[] args) {
    String command = null;
    String url = System.getenv(DbOption.ENV);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
        return;
      }
      if (a.equals("--db-password-file") || a.startsWith("--db-password-file=")) {
        // The command reads the password file itself, and reports what is wrong with it.
        return;
      }
      if (a.equals("--db") && i + 1 < args.length) {
        url = args[++i];
      } else if (a.startsWith("--db=")) {
        url = a.substring("--db=".length());
      } else if (command == null && !a.startsWith("-")) {
        command = a;
      }
    }
    if (!"import".equals(command)) {
      return;
    }
    // The directories among the words after the command: one of them is probably the input
    // (an option's value that happens to name a directory costs a listing nobody takes).
    boolean afterCommand = false;
    for (String a : args) {
      if (afterCommand && !a.startsWith("-")) {
        io.starmap.importer.Importer.listAhead(a);
      }
      afterCommand |= a.equals(command);
    }
    Path home;
    try {
      home = StarmapHome.resolve();
    } catch (RuntimeException e) {
      return;
    }
    String dbUrl = url == null || url.isBlank() ? null : url;
    CompletableFuture<CalculationStore> store =
        CompletableFuture.supplyAsync(() -> CalculationStore.open(home));
    CompletableFuture<Database> database = null;
    // A first use creates the embedded database and says so: that stays on the command's path.
    if (dbUrl != null || Files.exists(home.resolve("pg/data/PG_VERSION"))) {
      database = CompletableFuture.supplyAsync(
          () -> dbUrl == null ? EmbeddedDatabase.open(home) : Databases.open(dbUrl));
      database.thenAccept(ImportPrefetch::warmUp);
    }
    CURRENT.set(new ImportPrefetch(store, database, dbUrl));
  }

  /**
   * A first connection, closed at once: it readies the JDBC driver (class initialisation, the
   * first run of its code) for the import's own connections. On a thread of its own, never
   * waited for (a server that does not answer must not hold anything up), and quiet: the import
   * connects again and reports what goes wrong.
   */
  private static void warmUp(Database db) {
    Thread t = new Thread(() -> {
      try {
        db.connect().close();
      } catch (java.sql.SQLException | RuntimeException e) {
        // only a warm-up
      }
    }, "starmap-import-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /** What was started for this process, handed over once; null if nothing was. */
  static ImportPrefetch take() {
    return CURRENT.getAndSet(null);
  }

  /** Closes what was started and not taken (the command failed before it opened anything). */
  static void discard() {
    ImportPrefetch p = take();
    if (p == null) {
      return;
    }
    closeQuietly(p.store);
    if (p.database != null) {
      closeQuietly(p.database);
    }
  }

  /**
   * The prefetched database if it is the one at {@code url} (null: the embedded one), else null;
   * null too if opening it failed (the caller opens it again, to report that in its own words).
   */
  Database databaseOrNull(String url) {
    if (database == null || !java.util.Objects.equals(url, databaseUrl)) {
      return null;
    }
    try {
      return database.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      return null;
    }
  }

  private static void closeQuietly(CompletableFuture<? extends AutoCloseable> f) {
    try {
      f.join().close();
    } catch (Exception e) {
      // exiting anyway; nothing was handed out
    }
  }
}

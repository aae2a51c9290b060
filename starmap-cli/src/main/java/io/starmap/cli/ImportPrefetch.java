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
 * calculation store and the embedded database (with a first connection, which readies the JDBC
 * driver). Parsing an import's options takes about a tenth of a second of one core, these as
 * much again, and they do not depend on the options, so both cores share the start-up. Only
 * {@link Main#main} starts it, and only for what cannot print or go wrong differently: the
 * embedded database when it already exists and no other is named; anything {@link
 * ImportCommand} does not take is closed before the process exits.
 */
final class ImportPrefetch {
  private static final AtomicReference<ImportPrefetch> CURRENT = new AtomicReference<>();

  final CompletableFuture<CalculationStore> store;
  /** Null when the command line may name another database. */
  final CompletableFuture<Database> database;

  private ImportPrefetch(CompletableFuture<CalculationStore> store,
      CompletableFuture<Database> database) {
    this.store = store;
    this.database = database;
  }

  /** Starts opening when {@code args} run an import; does nothing otherwise. */
  static void startIfImport(String[] args) {
    String command = null;
    boolean otherDb = System.getenv(DbOption.ENV) != null && !System.getenv(DbOption.ENV).isBlank();
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
        return;
      }
      otherDb |= a.equals("--db") || a.startsWith("--db=");
      if (command == null && !a.startsWith("-")) {
        command = a;
      }
    }
    if (!"import".equals(command)) {
      return;
    }
    Path home;
    try {
      home = StarmapHome.resolve();
    } catch (RuntimeException e) {
      return;
    }
    CompletableFuture<CalculationStore> store =
        CompletableFuture.supplyAsync(() -> CalculationStore.open(home));
    CompletableFuture<Database> database = null;
    // A first use creates the database and says so: that stays on the command's own path.
    if (!otherDb && Files.exists(home.resolve("pg/data/PG_VERSION"))) {
      database = CompletableFuture.supplyAsync(() -> {
        Database db = Databases.open(null, home);
        try {
          db.connect().close();
        } catch (java.sql.SQLException | RuntimeException e) {
          // only a warm-up: the import connects again and reports what goes wrong
        }
        return db;
      });
    }
    CURRENT.set(new ImportPrefetch(store, database));
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
   * The prefetched database, or null if there is none or opening it failed (the caller opens it
   * again, to report the failure in its own words).
   */
  Database databaseOrNull() {
    if (database == null) {
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

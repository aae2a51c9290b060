package io.starmap.store;

import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.store.internal.Sql;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Zip archives of calculations ({@code starmap calcs dump} and {@code restore}): a {@code
 * MANIFEST} that marks the archive as Starmap's, {@code calcs.sqlite} (the rows of the archived
 * calculations, same schema as {@code db.sqlite}) and their {@code calc_<id>.hdf5} datastores.
 *
 * <p>A restore gives the calculations new ids in the current home and never overwrites a file.
 * Only the three kinds of entry are accepted: any other name, and any name that would resolve
 * outside the home ({@code ../x}, absolute paths), is refused before anything is written.
 */
public final class CalcArchive {
  /** The first line of the manifest. */
  public static final String MAGIC = "starmap-calculation-archive";
  private static final String[] CHILD_TABLES = {"log", "task", "performance", "run"};

  private CalcArchive() {}

  /**
   * What a dump wrote.
   *
   * @param zip the archive written
   * @param ids the archived calculations' ids, in order
   * @param bytes the archive's size in bytes
   */
  public record Dumped(Path zip, List<Long> ids, long bytes) {}

  /**
   * What a restore did: archived id to new id, in order.
   *
   * @param zip the archive read
   * @param ids each archived id mapped to its new id, in archive order
   */
  public record Restored(Path zip, Map<Long, Long> ids) {}

  static Dumped dump(CalculationStore store, Path zip, List<Long> requested) {
    List<Long> ids = endedCalculations(store, requested);
    Path tmpDb = null;
    Path tmpZip = zip.toAbsolutePath().resolveSibling(zip.getFileName() + ".tmp");
    try {
      tmpDb = Files.createTempFile(store.home(), ".dump-", ".sqlite");
      Files.delete(tmpDb);
      OwnerOnly.createFileIfMissing(tmpDb); // 0600, as its -wal and -shm files then
      String in = String.join(",", ids.stream().map(String::valueOf).toList());
      copyRows(store, tmpDb, in);
      // 0600 from its creation: the archive holds the calculations' data
      Files.deleteIfExists(tmpZip);
      try (OutputStream out = OwnerOnly.newOutputStream(tmpZip);
           ZipOutputStream z = new ZipOutputStream(out)) {
        writeEntries(store, z, tmpDb, ids, in);
      }
      Files.move(tmpZip, zip, StandardCopyOption.REPLACE_EXISTING);
      return new Dumped(zip, List.copyOf(ids), Files.size(zip));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot dump calculations " + ids + " into " + zip + ": "
          + e.getMessage(), e);
    } finally {
      deleteQuietly(tmpDb);
      deleteQuietly(tmpZip);
    }
  }

  /** The calculations to dump: those requested (each must have ended), or every ended one. */
  private static List<Long> endedCalculations(CalculationStore store, List<Long> requested) {
    List<Long> ids = new ArrayList<>();
    if (requested.isEmpty()) {
      for (CalcRecord c : store.sql().query("SELECT * FROM calc WHERE status IN ('complete',"
          + " 'failed', 'aborted') ORDER BY id", store::record)) {
        ids.add(c.id());
      }
    } else {
      for (long id : requested) {
        CalcRecord c = store.get(id);
        if (!c.status().isFinal()) {
          throw new IllegalStateException("calculation " + id + " is " + c.status().label()
              + ": wait for it to end, or abort it, before dumping it");
        }
        if (!ids.contains(id)) {
          ids.add(id);
        }
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalStateException("there are no ended calculations to dump in "
          + store.databasePath());
    }
    return ids;
  }

  /** Copies the rows of the calculations {@code in} (ids, comma-separated) into {@code db}. */
  private static void copyRows(CalculationStore store, Path db, String in) {
    try (Sql target = Sql.open(db)) {
      // the schema exists now; rows are copied through an attachment
    }
    String attached = db.toString();
    store.sql().withConnection(conn -> {
      try (Statement st = conn.createStatement()) {
        st.execute("ATTACH DATABASE '" + attached.replace("'", "''") + "' AS dump");
        try {
          st.execute("INSERT INTO dump.calc SELECT * FROM main.calc WHERE id IN (" + in + ")");
          for (String t : CHILD_TABLES) {
            st.execute("INSERT INTO dump." + t + " SELECT * FROM main." + t
                + " WHERE calc_id IN (" + in + ")");
          }
        } finally {
          st.execute("DETACH DATABASE dump");
        }
      }
    });
    // one self-contained file: the rows still in the attachment's write-ahead log go into it
    try (var c = Sql.connect(db);
         Statement st = c.createStatement()) {
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      st.execute("PRAGMA journal_mode = DELETE");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot finish the dump database " + attached + ": "
          + e.getMessage(), e);
    }
  }

  /** The archive's entries: the manifest, the rows' database, each calculation's datastore. */
  private static void writeEntries(CalculationStore store, ZipOutputStream z, Path db,
      List<Long> ids, String in) throws IOException {
    z.putNextEntry(new ZipEntry("MANIFEST"));
    z.write((MAGIC + "\nformat 1\nschema " + Sql.SCHEMA_VERSION + "\ncalcs " + in
        + "\nhost " + CalculationStore.HOST + "\n").getBytes(StandardCharsets.UTF_8));
    z.closeEntry();
    z.putNextEntry(new ZipEntry("calcs.sqlite"));
    Files.copy(db, z);
    z.closeEntry();
    for (long id : ids) {
      Path ds = store.datastorePath(id);
      if (Files.isRegularFile(ds)) {
        z.putNextEntry(new ZipEntry(ds.getFileName().toString()));
        Files.copy(ds, z);
        z.closeEntry();
      }
    }
  }

  /** Runs after each calculation is copied, inside the transaction: a seam for tests. */
  static volatile java.util.function.LongConsumer afterEachCalcForTests = id -> { };

  static Restored restore(CalculationStore store, Path zip) {
    Path home = store.home();
    List<Path> written = new ArrayList<>();
    Path tmpDb = null;
    try (ZipFile z = new ZipFile(zip.toFile())) {
      ArchiveEntries entries = ArchiveEntries.check(z, zip, home);
      long cap = ArchiveEntries.entryCap(home);
      tmpDb = Files.createTempFile(home, ".restore-", ".sqlite", OwnerOnly.fileAttributes());
      ArchiveEntries.copyCapped(z, entries.db(), tmpDb, cap, zip);
      try (Sql check = Sql.open(tmpDb)) {
        // opening validates the schema version (a newer one is refused)
      }
      Map<Long, Long> mapping = new LinkedHashMap<>();
      String attached = tmpDb.toString();
      store.sql().withConnection(conn -> {
        try (Statement st = conn.createStatement()) {
          st.execute("ATTACH DATABASE '" + attached.replace("'", "''") + "' AS src");
        }
        try {
          conn.setAutoCommit(false);
          try {
            copyAll(store, conn, z, entries, cap, zip, mapping, written);
            conn.commit();
          } catch (Throwable e) {
            // an Error too (out of memory, a stack overflow on a hostile datastore): turning
            // autocommit back on below would otherwise commit the calculations copied so far
            try {
              conn.rollback();
            } catch (java.sql.SQLException r) {
              e.addSuppressed(r);
            }
            if (e instanceof Error error) {
              throw error;
            }
            throw new java.sql.SQLException("restore of " + zip + " failed, nothing restored: "
                + e.getMessage(), e);
          } finally {
            conn.setAutoCommit(true);
          }
        } finally {
          try (Statement st = conn.createStatement()) {
            st.execute("DETACH DATABASE src");
          }
        }
      });
      written.clear();
      return new Restored(zip, mapping);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the archive " + zip + ": " + e.getMessage(), e);
    } finally {
      for (Path p : written) {
        deleteQuietly(p);
      }
      deleteQuietly(tmpDb);
    }
  }

  /** Copies every calculation of the attached archive database under a new id. */
  private static void copyAll(CalculationStore store, java.sql.Connection conn, ZipFile z,
      ArchiveEntries entries, long cap, Path zip, Map<Long, Long> mapping, List<Path> written)
      throws java.sql.SQLException, IOException {
    List<Long> old = new ArrayList<>();
    try (Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("SELECT id FROM src.calc ORDER BY id")) {
      while (rs.next()) {
        old.add(rs.getLong(1));
      }
    }
    for (long oldId : old) {
      long newId = copyCalc(conn, oldId);
      for (String t : CHILD_TABLES) {
        copyRows(conn, t, oldId, newId);
      }
      Path target = store.datastorePath(newId);
      try (PreparedStatement ps = conn.prepareStatement(
          "UPDATE main.calc SET datastore = ? WHERE id = ?")) {
        ps.setString(1, target.toString());
        ps.setLong(2, newId);
        ps.executeUpdate();
      }
      ZipEntry entry = entries.datastores().get(oldId);
      if (entry != null) {
        writeNew(z, entry, target, oldId, newId, cap, zip);
        written.add(target);
      }
      mapping.put(oldId, newId);
      afterEachCalcForTests.accept(newId);
    }
  }

  /** Copies the row of calculation {@code oldId}; returns its new id. */
  private static long copyCalc(java.sql.Connection conn, long oldId)
      throws java.sql.SQLException {
    try (PreparedStatement ps = conn.prepareStatement("""
        INSERT INTO main.calc(kind, description, status, user_name, host, pid, executor,
          workers, parameters, start_ms, stop_ms, datastore, size_bytes, peak_memory,
          error)
        SELECT kind, description,
          CASE WHEN status IN ('created', 'executing') THEN 'failed' ELSE status END,
          user_name, host, pid, executor, workers, parameters, start_ms, stop_ms, '',
          size_bytes, peak_memory, error
        FROM src.calc WHERE id = ?""")) {
      ps.setLong(1, oldId);
      ps.executeUpdate();
    }
    try (Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void copyRows(java.sql.Connection conn, String table, long oldId, long newId)
      throws java.sql.SQLException {
    List<String> cols = new ArrayList<>();
    try (Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("PRAGMA main.table_info(" + table + ")")) {
      while (rs.next()) {
        String c = rs.getString("name");
        if (!c.equals("id")) {
          cols.add(c);
        }
      }
    }
    String list = String.join(", ", cols);
    String select = String.join(", ", cols.stream().map(c -> c.equals("calc_id") ? "?" : c)
        .toList());
    try (PreparedStatement ps = conn.prepareStatement("INSERT INTO main." + table + "(" + list
        + ") SELECT " + select + " FROM src." + table + " WHERE calc_id = ?")) {
      ps.setLong(1, newId);
      ps.setLong(2, oldId);
      ps.executeUpdate();
    }
  }

  /** Writes the datastore under its new id, with its {@code calc_id} attribute updated. */
  private static void writeNew(ZipFile z, ZipEntry entry, Path target, long oldId, long newId,
      long cap, Path zip) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".restore");
    Files.deleteIfExists(tmp); // a new file, so that it is made 0600
    boolean moved = false;
    try {
      ArchiveEntries.copyCapped(z, entry, tmp, cap, zip);
      try {
        H5Group root = Datastore.read(tmp);
        root.attr("calc_id", newId).attr("restored_from_calc_id", oldId);
        Datastore.write(tmp, root);
      } catch (RuntimeException e) {
        // a datastore this version cannot rewrite is kept as archived
      }
      try {
        Files.move(tmp, target); // no REPLACE_EXISTING: an existing file is never overwritten
        moved = true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        throw new IOException("calc_" + newId + ".hdf5 already exists in " + target.getParent()
            + ": not overwritten", e);
      }
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
      Files.deleteIfExists(p.resolveSibling(p.getFileName() + "-wal"));
      Files.deleteIfExists(p.resolveSibling(p.getFileName() + "-shm"));
    } catch (IOException e) {
      // a leftover temporary file is harmless
    }
  }

}

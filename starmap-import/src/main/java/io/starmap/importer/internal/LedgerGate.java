package io.starmap.importer.internal;

import io.starmap.importer.ImportException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the ledger refuses before anything loads. */
public final class LedgerGate {
  private LedgerGate() {}

  /**
   * Stops an import that would load some rows twice: a file of which the ledger holds part of
   * another version (an import failed on it, then it was edited, usually to fix the bad row)
   * and nothing of this one. The ledger keys pieces by content, so the new version would load
   * whole, and the rows committed from the old one would be there twice. A file whose new
   * version was loaded already (for example by a forced reload) passes.
   *
   * @throws ImportException of kind {@link ImportException.Kind#FILE_CHANGED_AFTER_PARTIAL_LOAD}
   */
  public static void refuseEditedPartialFiles(Connection c, String ledgerKey, String tableName,
      Map<InputFile, String> hashes, Map<String, List<Ledger.Range>> loaded) throws SQLException {
    Map<String, String> unloaded = new HashMap<>();
    hashes.forEach((f, h) -> {
      if (!loaded.containsKey(h)) {
        unloaded.put(f.name(), h);
      }
    });
    List<Ledger.PartialVersion> partial = Ledger.partialOtherVersions(c, ledgerKey, unloaded);
    if (partial.isEmpty()) {
      return;
    }
    Ledger.PartialVersion p = partial.get(0);
    throw new ImportException(ImportException.Kind.FILE_CHANGED_AFTER_PARTIAL_LOAD, p.file()
        + " has changed since " + (p.calcId() >= 0 ? "calculation " + p.calcId() : "an import")
        + " loaded " + p.pieces() + " of its pieces (" + p.rows() + " rows, " + p.bytes()
        + " of its " + p.size() + " bytes) into " + tableName + ": loading it now would load"
        + " those rows a second time"
        + (partial.size() > 1 ? " (and so for " + (partial.size() - 1) + " more file(s))" : "")
        + ". To load the rest exactly once, put back the version that was loaded and run again"
        + " allowing bad rows (they go to the rejects file); or delete those rows and run again"
        + " forcing a reload, to load the new version whole", null);
  }
}

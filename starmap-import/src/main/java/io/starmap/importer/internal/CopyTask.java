package io.starmap.importer.internal;

import io.starmap.importer.Connections;
import io.starmap.importer.PgTarget;
import java.io.Serializable;
import java.util.List;

/**
 * The argument of one COPY task: everything a worker (in this JVM or another) needs to load its
 * pieces in one transaction. Its {@link #toString} never shows the password.
 *
 * @param target the database
 * @param table the quoted target table
 * @param ledgerName the table's canonical name ({@code schema.table}), for messages
 * @param ledgerKey how the ledger names the table: its canonical name and OID, so a table
 *     dropped and created again starts with an empty ledger
 * @param tableColumns the table's columns, to map headers by name
 * @param dialect the CSV dialect
 * @param pieces what to load, in order
 * @param maxErrors how many bad rows this task may reject (0: fail at the first)
 * @param calcId the calculation id for the ledger
 * @param connections per worker or shared
 * @param binary whether to try binary COPY first (the task falls back to CSV text by itself)
 * @param fields the table column of each field in order, {@code ""} for a field not loaded;
 *     empty when the header's names (or the table's order) map the fields
 * @param fieldsHeader under a column list, the header that each file starts with (a file that
 *     starts with another record would lose it); empty otherwise
 */
public record CopyTask(
    PgTarget target, String table, String ledgerName, String ledgerKey,
    List<Sql.Column> tableColumns, Dialect dialect, List<Piece> pieces, long maxErrors,
    long calcId, Connections connections, boolean binary, List<String> fields,
    List<String> fieldsHeader)
    implements Serializable {

  /** Input bytes of the task. */
  public long bytes() {
    long n = 0;
    for (Piece p : pieces) {
      n += p.length();
    }
    return n;
  }

  /** A short description for records and errors. */
  public String describe() {
    if (pieces.size() == 1) {
      return pieces.get(0).toString();
    }
    return pieces.size() + " pieces: " + pieces.get(0) + " .. " + pieces.get(pieces.size() - 1);
  }

  @Override
  public String toString() {
    return describe();
  }
}

package io.starmap.importer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What an import would do, from {@link Importer#plan}: made by the same prepare and plan stages as
 * the import itself, without changing the database (no table, no ledger, no truncate, no row).
 *
 * @param table the target table's canonical name ({@code schema.table})
 * @param createStatement the {@code CREATE TABLE} statement the import would run, or null when
 *     the table exists
 * @param tableColumns the table's columns as {@code name type}, in order (those the statement
 *     would create, as the server reads it)
 * @param truncate whether the import would empty the table and forget its ledger entries first
 * @param rowsTruncated the rows the table holds now, which a truncate would remove (0 without)
 * @param delimiter the field delimiter the import would read
 * @param quote the quote character
 * @param escape the escape character inside quotes
 * @param nullString the unquoted string read as NULL
 * @param encoding the files' encoding (a PostgreSQL name)
 * @param header whether the files have a header (decided as the import would)
 * @param columns the table columns the loaded fields go to, in field order
 * @param files the input files
 * @param pieces the pieces to load (an estimate for big files cut while loading)
 * @param tasks the tasks (one transaction each) they are grouped into
 * @param bytesToLoad the input bytes to load
 * @param piecesSkipped pieces the ledger says are loaded already
 * @param rowsSkipped the rows of those pieces
 * @param sampleRows the first records as they would be loaded: one value per entry of {@code
 *     columns}, null for NULL
 * @param messages what the import would tell (the header decision, the plan), in order
 */
public record ImportPlan(String table, String createStatement, List<String> tableColumns,
    boolean truncate, long rowsTruncated, char delimiter, char quote, char escape,
    String nullString, String encoding, boolean header, List<String> columns, int files,
    int pieces, int tasks, long bytesToLoad, int piecesSkipped, long rowsSkipped,
    List<List<String>> sampleRows, List<String> messages) {
  /** How many records a plan shows. */
  public static final int SAMPLE_ROWS = 5;

  /**
   * Copies the lists; a sample row may hold nulls (NULL values).
   *
   * @throws NullPointerException when a required value is null
   */
  public ImportPlan {
    Objects.requireNonNull(table, "table");
    tableColumns = List.copyOf(tableColumns);
    Objects.requireNonNull(nullString, "null string");
    Objects.requireNonNull(encoding, "encoding");
    columns = List.copyOf(columns);
    List<List<String>> rows = new ArrayList<>();
    for (List<String> r : sampleRows) {
      rows.add(Collections.unmodifiableList(new ArrayList<>(r)));
    }
    sampleRows = Collections.unmodifiableList(rows);
    messages = List.copyOf(messages);
  }

  /**
   * Whether the table exists now.
   *
   * @return true when no statement would create it
   */
  public boolean tableExists() {
    return createStatement == null;
  }
}

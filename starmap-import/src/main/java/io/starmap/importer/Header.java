package io.starmap.importer;

/** Whether the first record of each file names the columns. */
public enum Header {
  /** Decided from the first non-empty file: a header if its first record names table columns or
   * does not parse as the table's column types. */
  AUTO,
  /** Every file starts with a header; columns are mapped by name. */
  YES,
  /** No file has a header; records hold the table's columns in order. */
  NO
}

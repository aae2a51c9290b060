package io.starmap.importer;

/** How rows travel to the server. */
public enum CopyFormat {
  /** The CSV bytes as they are ({@code COPY ... (FORMAT csv)}): the server parses. */
  TEXT,
  /**
   * Parsed on the client and sent as PostgreSQL binary COPY: less work for the server. For
   * text, varchar, integers, floats, boolean, ISO dates and timestamps, numeric; a table with
   * another type, or input the client parser does not take, loads as text.
   */
  BINARY
}

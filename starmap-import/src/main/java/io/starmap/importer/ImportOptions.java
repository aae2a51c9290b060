package io.starmap.importer;

import io.starmap.core.Recorder;
import io.starmap.importer.internal.PgEncoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;

/**
 * What to import and how: an immutable value, built with {@link #builder(String)}, whose setters
 * validate their value at once and name it in the error. The canonical constructor checks the
 * same rules, so no instance holds a value the builder would refuse.
 *
 * <pre>{@code
 * ImportOptions o = ImportOptions.builder("prices")
 *     .paths(List.of("data/"))
 *     .create("code text, date date, value numeric")
 *     .executor("threads").workers(2)
 *     .build();
 * ImportReport r = Importer.run(PgTarget.of(url), o, ImportListener.none());
 * }</pre>
 *
 * @param table the target table as given ({@code name} or {@code schema.name}), not quoted
 * @param paths files, directories, globs, or {@code -} for standard input, in the order given;
 *     not empty
 * @param create what follows {@code CREATE TABLE name (} to create a missing table, or null
 * @param createInferred whether a missing table is created with the column names and types
 *     inferred from a sample of the input (then {@code create} is null)
 * @param columnTypes SQL types that replace inferred ones, by column name; empty unless
 *     {@code createInferred}
 * @param columns the table columns the input's fields go to, in field order, an empty name for a
 *     field that is skipped; empty for the default (header names, or the table's order)
 * @param truncate whether the table is emptied, and its ledger entries forgotten, before loading
 * @param header whether files have a header; {@link Header#AUTO} unless set
 * @param delimiter the field delimiter, or {@link #SNIFF} (the default) to detect it from the input
 * @param quote the quote character, or {@link #SNIFF} (the default) to detect it from the input
 * @param escape the escape character in quoted fields, or {@link #SNIFF} for the quote itself
 * @param nullString the unquoted string read as NULL ({@code ""} by default, as in PostgreSQL
 *     CSV); never contains a newline, the delimiter or the quote
 * @param encoding the files' encoding as a PostgreSQL name, such as {@code UTF8} (the default)
 * @param executor the executor name, or null for the importer's default
 * @param workers the number of workers (parallel COPY streams), or 0 for the default
 * @param maxErrors how many bad rows may be skipped and rejected (0: stop at the first)
 * @param rejects where rejected rows go, or null for the default
 * @param taskSizeMb the most megabytes (10^6 bytes) one task loads; 64 unless set
 * @param connections a connection per worker (default) or one shared
 * @param force whether pieces are loaded again even when the ledger says they were loaded
 * @param calcId the calculation this import belongs to (written to the ledger), or -1
 * @param copyFormat how rows travel: binary (default, falls back to text by itself) or CSV text
 * @param recorder where the run's records go (a calculation); {@link Recorder#none()} unless set
 */
public record ImportOptions(String table, List<String> paths, String create,
    boolean createInferred, Map<String, String> columnTypes, List<String> columns,
    boolean truncate, Header header, char delimiter, char quote, char escape, String nullString,
    String encoding, String executor, int workers, long maxErrors, Path rejects, int taskSizeMb,
    Connections connections, boolean force, long calcId, CopyFormat copyFormat,
    Recorder recorder) {
  /** The default for {@link Builder#taskSizeMb}: the most bytes one task loads. */
  public static final int DEFAULT_TASK_SIZE_MB = 64;

  /** The value of {@link #delimiter()}, {@link #quote()} or {@link #escape()} left to be detected. */
  public static final char SNIFF = '\0';

  /** The path that names standard input. */
  public static final String STANDARD_INPUT = "-";

  /**
   * Checks the rules the builder checks, for options made without it.
   *
   * @throws IllegalArgumentException naming the value that breaks a rule
   * @throws NullPointerException when a required value is null
   */
  public ImportOptions {
    OptionChecks.tableName(table);
    paths = List.copyOf(paths);
    paths.forEach(OptionChecks::path);
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("no input: give at least one file, directory or glob");
    }
    OptionChecks.create(create);
    columnTypes = Map.copyOf(columnTypes);
    columns = List.copyOf(columns);
    OptionChecks.tableSetup(create, createInferred, columnTypes, columns);
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(nullString, "null string");
    OptionChecks.dialect(delimiter, quote, escape, nullString);
    encoding = PgEncoding.pgName(encoding);
    Objects.requireNonNull(connections, "connections");
    Objects.requireNonNull(copyFormat, "copy format");
    Objects.requireNonNull(recorder, "recorder");
    if (workers < 0 || maxErrors < 0 || taskSizeMb < 1) {
      throw new IllegalArgumentException("workers (" + workers + ") and max errors (" + maxErrors
          + ") must be 0 or more, task size (" + taskSizeMb + " MB) 1 or more");
    }
  }

  /**
   * Starts options for an import into {@code table} ({@code name} or {@code schema.name}).
   *
   * @param table the target table, {@code name} or {@code schema.name}, each part 1 to 63 bytes
   *     in UTF-8 without NUL
   * @return a builder with the defaults
   * @throws IllegalArgumentException naming the table when its name is not acceptable
   */
  public static Builder builder(String table) {
    return new Builder(table);
  }

  @Override
  public String toString() {
    return "import " + paths + " into " + table + (create != null ? " (create " + create + ")" : "")
        + (createInferred ? " (create inferred" + (columnTypes.isEmpty() ? "" : ", types "
            + columnTypes) + ")" : "")
        + (columns.isEmpty() ? "" : ", columns " + columns) + (truncate ? ", truncate" : "")
        + ", header " + header.name().toLowerCase(Locale.ROOT) + ", delimiter "
        + OptionChecks.show(delimiter) + ", quote " + OptionChecks.show(quote) + ", escape "
        + OptionChecks.show(escape) + ", null '" + nullString + "', encoding "
        + encoding + ", executor " + (executor == null ? "default" : executor) + ", workers "
        + (workers == 0 ? "default" : workers) + ", max errors " + maxErrors + ", task size "
        + taskSizeMb + " MB, connections " + connections.name().toLowerCase(Locale.ROOT)
        + (force ? ", force" : "") + ", copy " + copyFormat.name().toLowerCase(Locale.ROOT);
  }

  /** Configures {@link ImportOptions}; setters validate at once. */
  public static final class Builder {
    private final String table;
    private final List<String> paths = new ArrayList<>();
    private String create;
    private boolean createInferred;
    private final Map<String, String> columnTypes = new LinkedHashMap<>();
    private List<String> columns = List.of();
    private boolean truncate;
    private Header header = Header.AUTO;
    private char delimiter = SNIFF;
    private char quote = SNIFF;
    private char escape = SNIFF;
    private String nullString = "";
    private String encoding = "UTF8";
    private String executor;
    private int workers;
    private long maxErrors;
    private Path rejects;
    private int taskSizeMb = DEFAULT_TASK_SIZE_MB;
    private Connections connections = Connections.PER_WORKER;
    private boolean force;
    private long calcId = -1;
    private CopyFormat copyFormat = CopyFormat.BINARY;
    private Recorder recorder = Recorder.none();

    private Builder(String table) {
      OptionChecks.tableName(table);
      this.table = table;
    }

    /**
     * Adds files, directories or globs ({@code *.csv}, {@code data/**.csv.gz}).
     *
     * @param more files, directories or globs; each not blank
     * @return this builder
     * @throws IllegalArgumentException naming a blank path
     */
    public Builder paths(List<String> more) {
      for (String p : Objects.requireNonNull(more, "paths")) {
        path(p);
      }
      return this;
    }

    /**
     * Adds one file, directory or glob, or {@value ImportOptions#STANDARD_INPUT}: standard input (once,
     * not on a cluster).
     *
     * @param path a file, directory or glob, or {@code -}; not blank
     * @return this builder
     * @throws IllegalArgumentException when {@code path} is null or blank
     */
    public Builder path(String path) {
      paths.add(OptionChecks.path(path));
      return this;
    }

    /**
     * Creates the table with these columns ({@code "code text, \"Last Name\" text"}) when it is
     * missing: what follows {@code CREATE TABLE name (} in psql, checked by the server, which
     * refuses anything but one CREATE TABLE statement.
     *
     * @param columns the column definitions, or null to require an existing table
     * @return this builder
     * @throws IllegalArgumentException when {@code columns} is blank or contains NUL
     */
    public Builder create(String columns) {
      this.create = OptionChecks.create(columns);
      this.createInferred = false;
      return this;
    }

    /**
     * Creates the table, when it is missing, with the column names of the header (or {@code
     * column1..N}) and the types inferred from a sample of the input. The statement chosen is
     * told to the listener and recorded in the calculation.
     *
     * @return this builder
     */
    public Builder createInferred() {
      this.createInferred = true;
      this.create = null;
      return this;
    }

    /**
     * The SQL type of one column of a table created from inferred columns, instead of the
     * inferred one ({@code columnType("value", "numeric")}).
     *
     * @param column the column's name as the header gives it (or {@code columnN}); not blank
     * @param sqlType a PostgreSQL type, checked by the server when the table is created; not
     *     blank, without NUL
     * @return this builder
     * @throws IllegalArgumentException naming the column or the type when it is not acceptable
     */
    public Builder columnType(String column, String sqlType) {
      OptionChecks.columnType(column, sqlType);
      columnTypes.put(column, sqlType);
      return this;
    }

    /**
     * The table columns that the input's fields go to, in field order; an empty name skips its
     * field. With a header, the header's names are not used to map fields.
     *
     * @param names table column names, or {@code ""} for a field to skip; not all empty, no name
     *     twice
     * @return this builder
     * @throws IllegalArgumentException naming the column that is given twice or not acceptable
     */
    public Builder columns(List<String> names) {
      this.columns = OptionChecks.columns(names);
      return this;
    }

    /**
     * Empties the table and forgets its ledger entries before loading, in one transaction.
     *
     * @param truncate true to empty the table first
     * @return this builder
     */
    public Builder truncate(boolean truncate) {
      this.truncate = truncate;
      return this;
    }

    /**
     * Whether the files have a header; default {@link Header#AUTO}.
     *
     * @param header whether files have a header, or {@link Header#AUTO} to decide from the first
     *     line; not null
     * @return this builder
     */
    public Builder header(Header header) {
      this.header = Objects.requireNonNull(header, "header");
      return this;
    }

    /**
     * The field delimiter; default {@link ImportOptions#SNIFF}: detected from the input.
     *
     * @param c one ASCII character other than NUL and newline, or {@link ImportOptions#SNIFF}
     * @return this builder
     * @throws IllegalArgumentException naming the character when it is not acceptable
     */
    public Builder delimiter(char c) {
      this.delimiter = OptionChecks.dialectChar("delimiter", c);
      return this;
    }

    /**
     * The quote character; default {@link ImportOptions#SNIFF}: detected from the input.
     *
     * @param c one ASCII character other than NUL and newline, or {@link ImportOptions#SNIFF}
     * @return this builder
     * @throws IllegalArgumentException naming the character when it is not acceptable
     */
    public Builder quote(char c) {
      this.quote = OptionChecks.dialectChar("quote", c);
      return this;
    }

    /**
     * The escape character inside quoted fields; default {@link ImportOptions#SNIFF}: the quote
     * character.
     *
     * @param c one ASCII character other than NUL and newline, or {@link ImportOptions#SNIFF}
     * @return this builder
     * @throws IllegalArgumentException naming the character when it is not acceptable
     */
    public Builder escape(char c) {
      this.escape = OptionChecks.dialectChar("escape", c);
      return this;
    }

    /**
     * The unquoted string read as NULL; default empty.
     *
     * @param s the NULL marker, possibly empty; not null, without a newline
     * @return this builder
     * @throws IllegalArgumentException when {@code s} contains a newline
     */
    public Builder nullString(String s) {
      this.nullString = OptionChecks.nullString(s);
      return this;
    }

    /**
     * The files' encoding: a PostgreSQL name ({@code UTF8}, {@code LATIN1}, {@code WIN1252}) or a
     * Java name ({@code UTF-8}, {@code ISO-8859-1}, {@code windows-1252}); default UTF-8.
     *
     * @param name a PostgreSQL or Java encoding name
     * @return this builder
     * @throws IllegalArgumentException naming the encoding when it is unknown or not supported
     */
    public Builder encoding(String name) {
      this.encoding = PgEncoding.pgName(name);
      return this;
    }

    /**
     * The executor ({@code no}, {@code threads}, {@code virtual}, {@code processes}...).
     *
     * @param name an executor name; not blank
     * @return this builder
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public Builder executor(String name) {
      if (name != null && name.isBlank()) {
        throw new IllegalArgumentException("executor must not be blank");
      }
      this.executor = name;
      return this;
    }

    /**
     * The number of workers (parallel COPY streams).
     *
     * @param n the number of parallel COPY streams; 1 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code n} is less than 1
     */
    public Builder workers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("workers must be positive, got " + n);
      }
      this.workers = n;
      return this;
    }

    /**
     * How many bad rows may be skipped and rejected; default 0 (stop at the first).
     *
     * @param n the number of bad rows tolerated; 0 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code n} is negative
     */
    public Builder maxErrors(long n) {
      if (n < 0) {
        throw new IllegalArgumentException("max errors must be 0 or more, got " + n);
      }
      this.maxErrors = n;
      return this;
    }

    /**
     * Where rejected rows are written; by default in Starmap's home: {@code calc_<id>.rejects}
     * for a recorded calculation, else a new {@code import_<time>_<random>.rejects} of its own.
     *
     * @param file the file the rejected rows are written to
     * @return this builder
     */
    public Builder rejects(Path file) {
      this.rejects = file;
      return this;
    }

    /**
     * The most megabytes one task loads (big files are split, tiny ones grouped); default 64.
     *
     * @param mb the task size in megabytes (10^6 bytes); 1 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code mb} is less than 1
     */
    public Builder taskSizeMb(int mb) {
      if (mb < 1) {
        throw new IllegalArgumentException("task size must be at least 1 MB, got " + mb);
      }
      this.taskSizeMb = mb;
      return this;
    }

    /**
     * Connection per worker (default) or shared.
     *
     * @param c how tasks get their connections; not null
     * @return this builder
     */
    public Builder connections(Connections c) {
      this.connections = Objects.requireNonNull(c, "connections");
      return this;
    }

    /**
     * Reload pieces the ledger says were loaded already.
     *
     * @param force true to reload pieces the ledger lists as loaded
     * @return this builder
     */
    public Builder force(boolean force) {
      this.force = force;
      return this;
    }

    /**
     * The calculation id written to the ledger.
     *
     * @param id the calculation id, or -1 for none
     * @return this builder
     */
    public Builder calcId(long id) {
      this.calcId = id;
      return this;
    }

    /**
     * Binary COPY (default) or CSV text passthrough.
     *
     * @param format how rows travel to the server; not null
     * @return this builder
     */
    public Builder copyFormat(CopyFormat format) {
      this.copyFormat = Objects.requireNonNull(format, "copy format");
      return this;
    }

    /**
     * Where the run's records go (a calculation; see {@link Importer#run} for its stages).
     *
     * @param recorder where the run's records go; not null
     * @return this builder
     */
    public Builder recorder(Recorder recorder) {
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      return this;
    }

    /**
     * The options; checks that there is something to import and that the options agree.
     *
     * @return immutable options; the builder can be reused
     * @throws IllegalArgumentException when no path was given, the delimiter, quote, escape and
     *     NULL marker clash, or column types are given without inferred columns
     */
    public ImportOptions build() {
      return new ImportOptions(table, paths, create, createInferred, columnTypes, columns,
          truncate, header, delimiter, quote, escape, nullString, encoding, executor, workers,
          maxErrors, rejects, taskSizeMb, connections, force, calcId, copyFormat, recorder);
    }
  }
}

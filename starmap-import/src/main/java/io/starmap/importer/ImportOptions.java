package io.starmap.importer;

import io.starmap.core.Recorder;
import io.starmap.importer.internal.PgEncoding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What to import and how. Built with {@link #builder(String)}; every setter validates its value at
 * once and names it in the error.
 *
 * <pre>{@code
 * ImportOptions o = ImportOptions.builder("prices")
 *     .paths(List.of("data/"))
 *     .create("code text, date date, value numeric")
 *     .executor("threads").workers(2)
 *     .build();
 * ImportReport r = Importer.run(PgTarget.of(url), o, ImportListener.none());
 * }</pre>
 */
public final class ImportOptions {
  /** The default for {@link Builder#taskSizeMb}: the most bytes one task loads. */
  public static final int DEFAULT_TASK_SIZE_MB = 64;

  private final String table;
  private final List<String> paths;
  private final String create;
  private final Header header;
  private final char delimiter;
  private final char quote;
  private final char escape;
  private final String nullString;
  private final String encoding;
  private final String executor;
  private final int workers;
  private final long maxErrors;
  private final Path rejects;
  private final int taskSizeMb;
  private final Connections connections;
  private final boolean force;
  private final long calcId;
  private final CopyFormat copyFormat;
  private final Recorder recorder;

  private ImportOptions(Builder b) {
    table = b.table;
    paths = List.copyOf(b.paths);
    create = b.create;
    header = b.header;
    delimiter = b.delimiter;
    quote = b.quote;
    escape = b.escape == 0 ? b.quote : b.escape;
    nullString = b.nullString;
    encoding = b.encoding;
    executor = b.executor;
    workers = b.workers;
    maxErrors = b.maxErrors;
    rejects = b.rejects;
    taskSizeMb = b.taskSizeMb;
    connections = b.connections;
    force = b.force;
    calcId = b.calcId;
    copyFormat = b.copyFormat;
    recorder = b.recorder;
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

  /**
   * The target table as given ({@code name} or {@code schema.name}).
   *
   * @return the table name, not quoted or normalized
   */
  public String table() {
    return table;
  }

  /**
   * Files, directories and globs to read.
   *
   * @return the paths in the order they were added; not empty
   */
  public List<String> paths() {
    return paths;
  }

  /**
   * Column definitions for creating the table when it is missing, or null.
   *
   * @return what follows {@code CREATE TABLE name (}, or null to require an existing table
   */
  public String create() {
    return create;
  }

  /**
   * Whether files have a header.
   *
   * @return {@link Header#AUTO} unless set
   */
  public Header header() {
    return header;
  }

  /**
   * The field delimiter.
   *
   * @return one ASCII character; {@code ,} unless set
   */
  public char delimiter() {
    return delimiter;
  }

  /**
   * The quote character.
   *
   * @return one ASCII character; {@code "} unless set
   */
  public char quote() {
    return quote;
  }

  /**
   * The escape character inside quoted fields (the quote itself by default).
   *
   * @return one ASCII character, or the quote character when none was set
   */
  public char escape() {
    return escape;
  }

  /**
   * The unquoted string that means NULL ({@code ""} by default, as in PostgreSQL CSV).
   *
   * @return the NULL marker; never contains the delimiter, the quote or a newline
   */
  public String nullString() {
    return nullString;
  }

  /**
   * The files' encoding, as a PostgreSQL encoding name ({@code UTF8} by default).
   *
   * @return the PostgreSQL name of the encoding, such as {@code UTF8} or {@code LATIN1}
   */
  public String encoding() {
    return encoding;
  }

  /**
   * The executor name, or null for the importer's default.
   *
   * @return the executor name, or null
   */
  public String executor() {
    return executor;
  }

  /**
   * The number of workers, or 0 for the default.
   *
   * @return a positive number of workers, or 0
   */
  public int workers() {
    return workers;
  }

  /**
   * How many bad rows may be skipped (0: stop at the first).
   *
   * @return the number of bad rows tolerated, 0 or more
   */
  public long maxErrors() {
    return maxErrors;
  }

  /**
   * Where rejected rows go, or null for the default.
   *
   * @return the rejects file, or null
   */
  public Path rejects() {
    return rejects;
  }

  /**
   * The most megabytes one task loads.
   *
   * @return the task size in megabytes (10^6 bytes), 1 or more; 64 unless set
   */
  public int taskSizeMb() {
    return taskSizeMb;
  }

  /**
   * Connection per worker or one shared.
   *
   * @return {@link Connections#PER_WORKER} unless set
   */
  public Connections connections() {
    return connections;
  }

  /**
   * Reload pieces even when the ledger says they were loaded.
   *
   * @return true to reload pieces the ledger lists as loaded
   */
  public boolean force() {
    return force;
  }

  /**
   * The calculation this import belongs to (written to the ledger), or -1.
   *
   * @return the calculation id, or -1 when the import belongs to none
   */
  public long calcId() {
    return calcId;
  }

  /**
   * How rows travel: binary (default, falls back to text by itself) or CSV text.
   *
   * @return {@link CopyFormat#BINARY} unless set
   */
  public CopyFormat copyFormat() {
    return copyFormat;
  }

  /**
   * Where the run's records go (a calculation), never null.
   *
   * @return the recorder; {@link Recorder#none()} unless set
   */
  public Recorder recorder() {
    return recorder;
  }

  @Override
  public String toString() {
    return "import " + paths + " into " + table + (create != null ? " (create " + create + ")" : "")
        + ", header " + header.name().toLowerCase(Locale.ROOT) + ", delimiter '" + delimiter
        + "', quote '" + quote + "', escape '" + escape + "', null '" + nullString + "', encoding "
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
    private Header header = Header.AUTO;
    private char delimiter = ',';
    private char quote = '"';
    private char escape;
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
      if (table == null || table.isBlank()) {
        throw new IllegalArgumentException("table name must not be blank: '" + table + "'");
      }
      String[] parts = table.split("\\.", -1);
      if (parts.length > 2) {
        throw new IllegalArgumentException(
            "table must be NAME or SCHEMA.NAME, got '" + table + "'");
      }
      for (String p : parts) {
        // PostgreSQL silently cuts a longer name to 63 bytes: the rows would go to a table
        // of another name
        if (p.isEmpty() || p.indexOf('\0') >= 0
            || p.getBytes(StandardCharsets.UTF_8).length > 63) {
          throw new IllegalArgumentException("bad table name '" + table
              + "': each part must be 1 to 63 bytes (in UTF-8) without NUL");
        }
      }
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
     * Adds one file, directory or glob, or {@code -}: standard input (once, not on a cluster).
     *
     * @param path a file, directory or glob, or {@code -}; not blank
     * @return this builder
     * @throws IllegalArgumentException when {@code path} is null or blank
     */
    public Builder path(String path) {
      if (path == null || path.isBlank()) {
        throw new IllegalArgumentException("path must not be blank: '" + path + "'");
      }
      paths.add(path);
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
      if (columns != null && columns.isBlank()) {
        throw new IllegalArgumentException("the column definitions to create the table must not"
            + " be blank");
      }
      if (columns != null && columns.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("the column definitions contain NUL");
      }
      this.create = columns;
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
     * The field delimiter; default {@code ,}.
     *
     * @param c one ASCII character other than NUL and newline
     * @return this builder
     * @throws IllegalArgumentException naming the character when it is not acceptable
     */
    public Builder delimiter(char c) {
      this.delimiter = singleByte("delimiter", c);
      return this;
    }

    /**
     * The quote character; default {@code "}.
     *
     * @param c one ASCII character other than NUL and newline
     * @return this builder
     * @throws IllegalArgumentException naming the character when it is not acceptable
     */
    public Builder quote(char c) {
      this.quote = singleByte("quote", c);
      return this;
    }

    /**
     * The escape character inside quoted fields; default the quote character.
     *
     * @param c one ASCII character other than NUL and newline
     * @return this builder
     * @throws IllegalArgumentException naming the character when it is not acceptable
     */
    public Builder escape(char c) {
      this.escape = singleByte("escape", c);
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
      Objects.requireNonNull(s, "null string");
      if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
        throw new IllegalArgumentException("null string must not contain a newline: '" + s + "'");
      }
      this.nullString = s;
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
      this.encoding = pgEncoding(name);
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
     * Where rejected rows are written.
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
     * Where the run's records go (a calculation).
     *
     * @param recorder where the run's records go; not null
     * @return this builder
     */
    public Builder recorder(Recorder recorder) {
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      return this;
    }

    /**
     * The options; checks that there is something to import and that the CSV chars differ.
     *
     * @return immutable options; the builder can be reused
     * @throws IllegalArgumentException when no path was given, or the delimiter, quote, escape and
     *     NULL marker clash
     */
    public ImportOptions build() {
      if (paths.isEmpty()) {
        throw new IllegalArgumentException("no input: give at least one file, directory or glob");
      }
      if (delimiter == quote) {
        throw new IllegalArgumentException(
            "delimiter and quote must differ, both are '" + delimiter + "'");
      }
      if (escape != 0 && escape == delimiter) {
        throw new IllegalArgumentException(
            "escape and delimiter must differ, both are '" + delimiter + "'");
      }
      if (nullString.indexOf(delimiter) >= 0 || nullString.indexOf(quote) >= 0) {
        throw new IllegalArgumentException("null string '" + nullString
            + "' must not contain the delimiter or the quote");
      }
      return new ImportOptions(this);
    }

    private static char singleByte(String what, char c) {
      if (c == 0 || c > 127 || c == '\n' || c == '\r') {
        throw new IllegalArgumentException(what
            + " must be one ASCII character other than newline, got '" + c + "'");
      }
      return c;
    }

    static String pgEncoding(String name) {
      return PgEncoding.pgName(name);
    }
  }
}

package io.starmap.store;

import io.starmap.core.internal.util.HostName;
import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.store.internal.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The calculations of a Starmap home: the SQLite database {@code db.sqlite} (one row per
 * calculation, its log, and per-task and per-operation rows written while it runs) and one HDF5
 * datastore {@code calc_<id>.hdf5} per calculation.
 *
 * <pre>{@code
 * try (CalculationStore store = CalculationStore.open(StarmapHome.resolve());
 *      Calculation calc = store.start("import", "import 522 files", Map.of("workers", "2"))) {
 *   Starmap<A, R> smap = Starmap.builder("load", task).recorder(calc).build();
 *   ...
 *   calc.complete();
 * }
 * }</pre>
 *
 * <p>Opening the store turns calculations of this host still marked executing whose process is
 * gone into failed ones. A store may be used by several threads; several processes may use the
 * same home at once.
 */
public final class CalculationStore implements AutoCloseable {
  /**
   * This machine's name, as recorded in {@code calc.host}: the kernel's, not {@code $HOSTNAME},
   * so that every process of this machine records and compares the same name, whatever its shell
   * exported.
   */
  public static final String HOST = HostName.local();

  private final Path home;
  private final Sql sql;

  private CalculationStore(Path home, Sql sql) {
    this.home = home;
    this.sql = sql;
  }

  /**
   * Opens the store in {@code home} (usually {@link StarmapHome#resolve()}), creating it.
   *
   * @param home the Starmap home; created owner-only when missing, made owner-only when others
   *     could read it
   * @return the open store; calculations left executing by dead processes are marked failed
   * @throws java.io.UncheckedIOException naming {@code home} when it cannot be created
   */
  public static CalculationStore open(Path home) {
    try {
      OwnerOnly.createDirectories(home);
      OwnerOnly.restrictDirectory(home);
      // SQLite creates its -wal and -shm files with the database's mode: 0600 for all three
      OwnerOnly.createFileIfMissing(home.resolve("db.sqlite"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the Starmap home " + home + ": "
          + e.getMessage(), e);
    }
    Path dir = home.toAbsolutePath().normalize();
    CalculationStore store = new CalculationStore(dir, Sql.open(dir.resolve("db.sqlite")));
    store.failOrphans();
    return store;
  }

  /**
   * The home directory.
   *
   * @return the absolute, normalized home directory
   */
  public Path home() {
    return home;
  }

  /**
   * The database file.
   *
   * @return the SQLite database file, {@code db.sqlite} in the home
   */
  public Path databasePath() {
    return home.resolve("db.sqlite");
  }

  /**
   * Where the datastore of calculation {@code id} lives.
   *
   * @param id the calculation's id
   * @return the path of its HDF5 file, {@code calc_<id>.hdf5} in the home, whether it exists or not
   */
  public Path datastorePath(long id) {
    return home.resolve("calc_" + id + ".hdf5");
  }

  /**
   * Starts a calculation: records it as executing by this process and returns it, to be used as
   * the {@link io.starmap.core.Recorder} of its starmaps and closed at the end.
   *
   * @param kind what runs, such as {@code import}; not blank
   * @param description what it is about (secrets are removed before it is stored)
   * @param parameters its settings; {@code executor} and {@code workers} fill those columns
   * @return the new calculation, executing; close it, or {@link Calculation#fail} it, at the end
   * @throws IllegalArgumentException when {@code kind} is blank
   */
  public Calculation start(String kind, String description, Map<String, String> parameters) {
    if (kind == null || kind.isBlank()) {
      throw new IllegalArgumentException("calculation kind is blank");
    }
    Map<String, String> params = new LinkedHashMap<>();
    parameters.forEach((k, v) -> params.put(k, Secrets.redact(k, v)));
    StringBuilder text = new StringBuilder();
    params.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    int workers = 0;
    try {
      workers = Integer.parseInt(params.getOrDefault("workers", "0").strip());
    } catch (NumberFormatException e) {
      workers = 0; // a free-form value such as "auto" is kept in the parameters only
    }
    long now = System.currentTimeMillis();
    long id = sql.insert("""
        INSERT INTO calc(kind, description, status, user_name, host, pid, executor, workers,
          parameters, start_ms)
        VALUES (?, ?, 'executing', ?, ?, ?, ?, ?, ?, ?)""",
        kind.strip(), Secrets.redact(description == null ? "" : description),
        System.getProperty("user.name", ""), HOST, ProcessHandle.current().pid(),
        params.getOrDefault("executor", ""), workers, text.toString().stripTrailing(), now);
    Path ds = datastorePath(id);
    sql.update("UPDATE calc SET datastore = ? WHERE id = ?", ds.toString(), id);
    return new Calculation(this, id, ds, now);
  }

  /**
   * The calculation {@code id}, if it exists.
   *
   * @param id the calculation's id
   * @return its record, or empty when there is no such calculation
   */
  public Optional<CalcRecord> find(long id) {
    List<CalcRecord> r = sql.query("SELECT * FROM calc WHERE id = ?", this::record, id);
    return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
  }

  /**
   * The calculation {@code id}; throws {@link NoSuchElementException} naming it if missing.
   *
   * @param id the calculation's id
   * @return its record
   * @throws java.util.NoSuchElementException when there is no such calculation
   */
  public CalcRecord get(long id) {
    return find(id).orElseThrow(() -> new NoSuchElementException("there is no calculation "
        + id + " in " + databasePath()));
  }

  /**
   * The id meant by {@code spec}: a positive number, {@code last}, or a negative number counting
   * back from the last ({@code -1} is the last, {@code -2} the one before).
   *
   * @param spec the text a person gave, such as {@code 12}, {@code last} or {@code -2}
   * @return the positive id of an existing calculation
   * @throws IllegalArgumentException when {@code spec} is not a number, {@code last} or is 0
   * @throws java.util.NoSuchElementException when no calculation has that id or position
   */
  public long resolveId(String spec) {
    String s = spec == null ? "" : spec.strip();
    if (s.equalsIgnoreCase("last")) {
      s = "-1";
    }
    long n;
    try {
      n = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + spec + "' is not a calculation id: use a number,"
          + " 'last', or a negative number counting back from the last", e);
    }
    if (n > 0) {
      get(n);
      return n;
    }
    if (n == 0) {
      throw new IllegalArgumentException("0 is not a calculation id (ids start at 1; -1 is the"
          + " last)");
    }
    List<Long> ids = sql.query("SELECT id FROM calc ORDER BY id DESC LIMIT 1 OFFSET ?",
        rs -> rs.getLong(1), -n - 1);
    if (ids.isEmpty()) {
      long count = sql.query("SELECT count(*) FROM calc", rs -> rs.getLong(1)).get(0);
      throw new NoSuchElementException(count == 0 ? "there are no calculations in "
          + databasePath() : "'" + spec + "' counts back " + (-n) + " calculations, but there are"
          + " only " + count);
    }
    return ids.get(0);
  }

  /**
   * The latest calculations, newest first; {@code status} null for all.
   *
   * @param limit the most records to return; positive
   * @param status the status to keep, or null for every status
   * @return at most {@code limit} records, newest first
   * @throws IllegalArgumentException when {@code limit} is not positive
   */
  public List<CalcRecord> list(int limit, CalcStatus status) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, not " + limit);
    }
    return status == null
        ? sql.query("SELECT * FROM calc ORDER BY id DESC LIMIT ?", this::record, limit)
        : sql.query("SELECT * FROM calc WHERE status = ? ORDER BY id DESC LIMIT ?", this::record,
            status.label(), limit);
  }

  /**
   * Calculations whose description, kind or parameters contain {@code text}, newest first.
   *
   * @param text the text to look for, as written: {@code %} and {@code _} match only themselves
   * @return the matching records, newest first
   */
  public List<CalcRecord> search(String text) {
    String like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    return sql.query("""
        SELECT * FROM calc
        WHERE description LIKE ?1 ESCAPE '\\' OR kind LIKE ?1 ESCAPE '\\'
          OR parameters LIKE ?1 ESCAPE '\\'
        ORDER BY id DESC""", this::record, like);
  }

  /**
   * Deletes calculation {@code id}: its rows and its datastore. A calculation that is executing
   * in a live process is refused: abort it first.
   *
   * @param id the calculation's id
   * @return the deleted record
   * @throws java.util.NoSuchElementException when there is no such calculation
   * @throws IllegalStateException when the calculation is executing in a live process
   * @throws java.io.UncheckedIOException when its rows were deleted but not its datastore
   */
  public CalcRecord delete(long id) {
    CalcRecord c = get(id);
    if (!c.status().isFinal() && isAlive(c)) {
      throw new IllegalStateException("calculation " + id + " is " + c.status().label()
          + " in process " + c.pid() + " on " + c.host() + ": abort it first (starmap calcs"
          + " abort " + id + ")");
    }
    sql.transaction(conn -> {
      for (String table : new String[] {"log", "task", "performance", "run"}) {
        try (var ps = conn.prepareStatement("DELETE FROM " + table + " WHERE calc_id = ?")) {
          ps.setLong(1, id);
          ps.executeUpdate();
        }
      }
      try (var ps = conn.prepareStatement("DELETE FROM calc WHERE id = ?")) {
        ps.setLong(1, id);
        ps.executeUpdate();
      }
    });
    try {
      Files.deleteIfExists(datastorePath(id));
      Files.deleteIfExists(datastorePath(id).resolveSibling("calc_" + id + ".hdf5.tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException("calculation " + id + " was deleted but not its datastore "
          + datastorePath(id) + ": " + e.getMessage(), e);
    }
    return c;
  }

  /**
   * The calculations a purge would delete: the failed and aborted ones if {@code failed}, and
   * those that ended more than {@code olderThan} ago if it is not null. Executing calculations
   * are never purged.
   *
   * @param failed true to include the failed and aborted calculations
   * @param olderThan the age beyond which ended calculations are included, or null
   * @return the calculations a purge would delete, oldest first
   * @throws IllegalArgumentException when neither {@code failed} nor {@code olderThan} is given
   */
  public List<CalcRecord> purgeCandidates(boolean failed, Duration olderThan) {
    if (!failed && olderThan == null) {
      throw new IllegalArgumentException("purge needs --failed or --older-than DAYS");
    }
    List<CalcRecord> out = new ArrayList<>();
    long cutoff = olderThan == null ? Long.MIN_VALUE
        : System.currentTimeMillis() - olderThan.toMillis();
    for (CalcRecord c : sql.query("SELECT * FROM calc WHERE status IN ('complete', 'failed',"
        + " 'aborted') ORDER BY id", this::record)) {
      boolean isFailed = c.status() == CalcStatus.FAILED || c.status() == CalcStatus.ABORTED;
      boolean isOld = olderThan != null && c.stop() != null && c.stop().toEpochMilli() < cutoff;
      if ((failed && isFailed && (olderThan == null || isOld)) || (!failed && isOld)) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * What {@link #abort} did.
   *
   * @param before the calculation as it was before the abort
   * @param marked whether this call marked it aborted (false when it had ended already)
   * @param signalled whether its process was asked to terminate
   * @param detail one line that tells what happened to its process
   */
  public record AbortResult(CalcRecord before, boolean marked, boolean signalled, String detail) {}

  /**
   * Aborts calculation {@code id}: marks it aborted and, when its process lives on this host (and
   * is not this process), asks that process to terminate. A calculation that has ended is left as
   * it is.
   *
   * @param id the calculation's id
   * @return what was done
   * @throws java.util.NoSuchElementException when there is no such calculation
   */
  public AbortResult abort(long id) {
    CalcRecord c = get(id);
    if (c.status().isFinal()) {
      return new AbortResult(c, false, false, "calculation " + id + " is already "
          + c.status().label());
    }
    int changed = sql.update("""
        UPDATE calc SET status = 'aborted', stop_ms = ?,
          error = coalesce(error, 'aborted by starmap calcs abort')
        WHERE id = ? AND status IN ('created', 'executing')""",
        System.currentTimeMillis(), id);
    sql.update("INSERT INTO log(calc_id, time_ms, level, message) VALUES (?, ?, 'WARNING', ?)",
        id, System.currentTimeMillis(), "aborted by " + System.getProperty("user.name", "?")
            + " from process " + ProcessHandle.current().pid() + " on " + HOST);
    boolean signalled = false;
    String detail;
    if (!c.host().equals(HOST)) {
      detail = "its process " + c.pid() + " runs on " + c.host() + ", not here: not signalled";
    } else if (c.pid() == ProcessHandle.current().pid()) {
      detail = "it runs in this process: marked aborted only";
    } else {
      Optional<ProcessHandle> p = owner(c);
      if (p.isPresent()) {
        signalled = p.get().destroy();
        detail = signalled ? "asked process " + c.pid() + " to terminate"
            : "process " + c.pid() + " could not be signalled";
      } else {
        detail = "its process " + c.pid() + " is gone (or the pid now belongs to a process"
            + " started after the calculation): not signalled";
      }
    }
    return new AbortResult(c, changed > 0, signalled, detail);
  }

  /**
   * The views of this store's calculations (tables as data, live while they run).
   *
   * @return the views; they read the database on each call
   */
  public Views views() {
    return new Views(this);
  }

  /**
   * Writes calculations {@code ids} (all the ended ones if empty) into a zip archive.
   *
   * @param zip the archive to write
   * @param ids the calculations to archive; empty for every ended one
   * @return what was written
   */
  public CalcArchive.Dumped dump(Path zip, List<Long> ids) {
    return CalcArchive.dump(this, zip, ids);
  }

  /**
   * Restores the calculations of a zip made by {@link #dump}, under new ids.
   *
   * @param zip an archive made by {@link #dump}
   * @return the archived ids and the new ids they were restored under
   */
  public CalcArchive.Restored restore(Path zip) {
    return CalcArchive.restore(this, zip);
  }

  /** Marks executing calculations of this host whose process is gone as failed. */
  private void failOrphans() {
    for (CalcRecord c : sql.query("SELECT * FROM calc WHERE status IN ('created', 'executing')"
        + " AND host = ?", this::record, HOST)) {
      if (!isAlive(c)) {
        int n = sql.update("""
            UPDATE calc SET status = 'failed', stop_ms = coalesce(stop_ms, ?),
              error = coalesce(error, ?)
            WHERE id = ? AND status IN ('created', 'executing')""",
            System.currentTimeMillis(), "process " + c.pid() + " on " + c.host()
                + " ended without closing the calculation", c.id());
        if (n > 0) {
          sql.update("INSERT INTO log(calc_id, time_ms, level, message)"
              + " VALUES (?, ?, 'ERROR', ?)", c.id(), System.currentTimeMillis(),
              "marked failed: its process " + c.pid() + " is gone");
        }
      }
    }
  }

  private static boolean isAlive(CalcRecord c) {
    if (!c.host().equals(HOST)) {
      return true; // another host's process cannot be checked from here: assume it lives
    }
    return owner(c).isPresent();
  }

  /**
   * The live process of this host that runs calculation {@code c}. A process that started after
   * the calculation is not its owner but a later process that was given the same pid: it is
   * neither signalled nor taken as a sign of life.
   */
  private static Optional<ProcessHandle> owner(CalcRecord c) {
    return ProcessHandle.of(c.pid()).filter(ProcessHandle::isAlive).filter(p -> p.info()
        .startInstant().map(started -> !started.isAfter(c.start().plusSeconds(2)))
        .orElse(true));
  }

  /** The SQL connection, for the classes of this package. */
  Sql sql() {
    return sql;
  }

  CalcRecord record(ResultSet rs) throws SQLException {
    long stop = rs.getLong("stop_ms");
    boolean hasStop = !rs.wasNull();
    String ds = rs.getString("datastore");
    return new CalcRecord(rs.getLong("id"), rs.getString("kind"), rs.getString("description"),
        CalcStatus.of(rs.getString("status")), rs.getString("user_name"), rs.getString("host"),
        rs.getLong("pid"), rs.getString("executor"), rs.getInt("workers"),
        rs.getString("parameters"), Instant.ofEpochMilli(rs.getLong("start_ms")),
        hasStop ? Instant.ofEpochMilli(stop) : null,
        ds == null || ds.isEmpty() ? datastorePath(rs.getLong("id")) : Path.of(ds),
        rs.getLong("size_bytes"), rs.getLong("peak_memory"), rs.getString("error"));
  }

  @Override
  public void close() {
    sql.close();
  }
}

package io.starmap.importer.internal;

import io.starmap.importer.ImportException;
import java.io.IOException;
import java.nio.charset.Charset;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Cuts the input into tasks: whole files when there are many, quote-aware byte-range splits of big
 * files, tiny files grouped into tasks of about the target size, largest task first (LPT). Only
 * the ranges the ledger does not hold are planned, so a re-run with another task size still loads
 * exactly the gaps.
 */
public final class Planner {
  private Planner() {}

  /**
   * The plan.
   *
   * @param tasks the pieces of each task, largest task first
   * @param files input files
   * @param piecesSkipped ledger ranges skipped
   * @param rowsSkipped records of the skipped ranges
   * @param bytesSkipped bytes of the skipped ranges
   * @param bytesPlanned bytes to load
   * @param targetBytes the task size aimed at
   * @param streamed big files whose pieces are cut while the others load, one task per piece
   */
  public record Plan(List<List<Piece>> tasks, int files, int piecesSkipped, long rowsSkipped,
      long bytesSkipped, long bytesPlanned, long targetBytes, List<StreamedSplit> streamed) {
    /** Pieces to load (an estimate for the streamed files). */
    public int pieces() {
      return tasks.stream().mapToInt(List::size).sum()
          + streamed.stream().mapToInt(StreamedSplit::estimatedPieces).sum();
    }

    /** Tasks to run (an estimate for the streamed files). */
    public int taskCount() {
      return tasks.size() + streamed.stream().mapToInt(StreamedSplit::estimatedPieces).sum();
    }
  }

  /**
   * What the planner needs besides the files.
   *
   * @param pending when not null, big files whose hash is unknown are cut by a scan that runs
   *     while their first pieces load (only for executors in this JVM, where a task can wait for
   *     the file's hash in its run's {@link PendingHashes})
   * @param fields the column list (a field's table column in order); when not empty, a header
   *     is only skipped, its names not mapped
   */
  public record Settings(Dialect dialect, Charset charset, boolean header,
      List<Sql.Column> tableColumns, String tableName, int workers, long maxTaskBytes,
      PendingHashes pending, List<String> fields) {
    /** Settings without a column list: a header's names map the fields. */
    public Settings(Dialect dialect, Charset charset, boolean header,
        List<Sql.Column> tableColumns, String tableName, int workers, long maxTaskBytes,
        PendingHashes pending) {
      this(dialect, charset, header, tableColumns, tableName, workers, maxTaskBytes, pending,
          List.of());
    }
  }

  /**
   * Plans the loading of {@code files}.
   *
   * @param hashes the content hash of each file when known (the ledger has rows), else empty
   * @param loaded the ledger's loaded ranges by hash
   */
  public static Plan plan(List<InputFile> files, Map<InputFile, String> hashes,
      Map<String, List<Ledger.Range>> loaded, Settings s) throws IOException {
    // Each file's and each gap's work is a method called once per element: this method runs once
    // per import and its loops stay interpreted to their end, while a method called for each of
    // 52,200 files is compiled after its first few thousand calls.
    Gaps gaps = new Gaps();
    for (InputFile f : files) {
      gaps.add(f, hashes, loaded);
    }
    long total = gaps.bytes;
    // Four tasks per worker, the last bytes in quarter-size tasks (TaskGrouping): each task costs
    // the client about 3 ms of CPU of its own (its COPY, ledger rows, commit and records), and
    // eight per worker took 3-5 % more of the client's CPU and no less time (docs/benchmarks.md).
    long target = Math.max(1L << 20, Math.min(s.maxTaskBytes(), total / (4L * s.workers())));
    Pieces pieces = new Pieces(target, s);
    for (Gap g : gaps.list) {
      pieces.add(g);
    }
    TaskGrouping grouping = new TaskGrouping(target, s.workers(), pieces.smallBytes);
    for (Piece p : pieces.list) {
      grouping.add(p);
    }
    return new Plan(grouping.largestFirst(), files.size(), gaps.piecesSkipped, gaps.rowsSkipped,
        gaps.bytesSkipped, total, target, List.copyOf(pieces.streamed));
  }

  private record Gap(InputFile f, String hash, long start, long end) {}

  /** The ranges of the files that the ledger does not hold, and what it does hold. */
  private static final class Gaps {
    final List<Gap> list = new ArrayList<>();
    int piecesSkipped;
    long rowsSkipped;
    long bytesSkipped;
    long bytes;

    void add(InputFile f, Map<InputFile, String> hashes,
        Map<String, List<Ledger.Range>> loaded) {
      String hash = hashes.get(f);
      List<Ledger.Range> done = hash == null ? List.of() : loaded.getOrDefault(hash, List.of());
      long at = 0;
      for (Ledger.Range r : done) {
        if (r.start() > at) {
          gap(f, hash, at, r.start());
        }
        at = Math.max(at, r.end());
        piecesSkipped++;
        rowsSkipped += r.rowsRead();
        bytesSkipped += r.end() - r.start();
      }
      if (f.compressed() && !done.isEmpty()) {
        return;
      }
      if (at < f.size()) {
        gap(f, hash, at, f.size());
      }
    }

    private void gap(InputFile f, String hash, long start, long end) {
      list.add(new Gap(f, hash, start, end));
      bytes += end - start;
    }
  }

  /** The pieces of the gaps: whole files, ranges of big ones, and big files cut while loading. */
  private static final class Pieces {
    final List<Piece> list = new ArrayList<>();
    final List<StreamedSplit> streamed = new ArrayList<>();
    final long target;
    final Settings s;
    /** Bytes of the pieces below half the target, which {@link TaskGrouping} groups. */
    long smallBytes;

    Pieces(long target, Settings s) {
      this.target = target;
      this.s = s;
    }

    void add(Gap g) throws IOException {
      InputFile f = g.f;
      boolean wholeFile = g.start == 0 && g.end == f.size();
      long len = g.end - g.start;
      if (s.pending() != null && wholeFile && g.hash == null && !f.compressed()
          && len > target + target / 2) {
        streamed.add(new StreamedSplit(f, target, s));
      } else if (f.compressed() || len <= target + target / 2) {
        keep(wholeFile
            ? new Piece(f.name(), f.path().toString(), f.size(), g.hash, 0, f.size(), 1,
                f.compression(), s.header(), null)
            : rangePiece(f, g.hash, g.start, g.end, s));
      } else {
        for (Piece p : split(f, g.hash, g.start, g.end, target, s)) {
          keep(p);
        }
      }
    }

    private void keep(Piece p) {
      list.add(p);
      smallBytes += p.length() < target / 2 ? p.length() : 0;
    }
  }

  /** A piece of a gap left by an earlier run: its first line and header columns are found. */
  private static Piece rangePiece(InputFile f, String hash, long start, long end, Settings s)
      throws IOException {
    if (start == 0) {
      return new Piece(f.name(), f.path().toString(), f.size(), hash, 0, end, 1,
          Compression.NONE, s.header(), null);
    }
    long line = 1 + countNewlines(f, start);
    return new Piece(f.name(), f.path().toString(), f.size(), hash, start, end, line,
        Compression.NONE, false, headerColumns(f, s));
  }

  private static List<String> headerColumns(InputFile f, Settings s) throws IOException {
    if (!s.header() || !s.fields().isEmpty()) {
      return null;
    }
    List<String> names = Headers.firstRecord(f, s.dialect(), s.charset());
    return names == null ? null : Headers.map(names, s.tableColumns(), s.tableName(), f.name());
  }

  private static long countNewlines(InputFile f, long upTo) throws IOException {
    Piece whole = new Piece(f.name(), f.path().toString(), f.size(), "", 0, upTo, 1,
        Compression.NONE, false, null);
    long n = 0;
    byte[] b = new byte[1 << 16];
    try (PieceReader r = PieceReader.open(whole, 0, upTo, null)) {
      int k;
      while ((k = r.read(b, 0, b.length)) > 0) {
        for (int i = 0; i < k; i++) {
          if (b[i] == '\n') {
            n++;
          }
        }
      }
    }
    return n;
  }

  /** Receives the record boundaries where a file is cut. */
  private interface Cuts {
    void cut(long offset, long line);
  }

  /**
   * Finds cuts in [start, end) of a plain file, at record boundaries about {@code target} bytes
   * apart (a quarter of that in the last {@code workers x target} bytes), with a sequential
   * quote-aware scan (a newline inside quotes is not a boundary). No cut leaves a last piece
   * shorter than a quarter of the spacing. Digests the bytes read when asked.
   */
  private static void scan(InputFile f, long start, long end, long target, long baseLine,
      Settings s, MessageDigest digest, Cuts cuts) throws IOException {
    Piece reading = new Piece(f.name(), f.path().toString(), f.size(), "", start, end, baseLine,
        Compression.NONE, false, null);
    RecordScanner sc = new RecordScanner(s.dialect());
    byte[] b = new byte[1 << 20];
    // the last bytes in quarter-size pieces, as for small files (see plan)
    long tail = s.workers() * target;
    long nextCut = start + (end - start <= tail ? target / 4 : target);
    try (PieceReader r = PieceReader.open(reading, start, end, digest)) {
      long pos = start;
      int n;
      while ((n = r.read(b, 0, b.length)) > 0) {
        int i = 0;
        while (i < n) {
          if (pos + i < nextCut) {
            int stop = (int) Math.min(n, nextCut - pos);
            sc.scan(b, i, stop);
            i = stop;
            continue;
          }
          int e = sc.nextRecordEnd(b, i, n);
          if (e < 0) {
            break;
          }
          long cut = pos + e;
          long step = end - cut <= tail ? target / 4 : target;
          if (end - cut >= step / 4) {
            cuts.cut(cut, baseLine + sc.newlines());
          }
          nextCut = cut + step;
          i = e;
        }
        pos += n;
      }
      if (digest != null) {
        r.drainDigest();
      }
    }
  }

  /**
   * Splits [start, end) of a plain file before loading it (see {@link #scan}); computes the
   * file's hash on the way when it is not known (the range is then the whole file).
   */
  private static List<Piece> split(InputFile f, String hash, long start, long end, long target,
      Settings s) throws IOException {
    boolean whole = start == 0 && end == f.size();
    MessageDigest digest = hash == null ? Hashes.sha256() : null;
    if (digest != null && !whole) {
      throw new IllegalStateException("hash needed for a partial range of " + f.name());
    }
    long baseLine = start == 0 ? 1 : 1 + countNewlines(f, start);
    List<long[]> cuts = new ArrayList<>(); // {offset, line}
    scan(f, start, end, target, baseLine, s, digest, (off, line) -> cuts.add(new long[] {off,
        line}));
    String h = hash != null ? hash : Hashes.hex(digest);
    List<String> cols = cuts.isEmpty() ? null : headerColumns(f, s);
    List<Piece> out = new ArrayList<>();
    long from = start;
    long line = baseLine;
    for (int k = 0; k <= cuts.size(); k++) {
      long to = k < cuts.size() ? cuts.get(k)[0] : end;
      boolean first = from == 0;
      out.add(new Piece(f.name(), f.path().toString(), f.size(), h, from, to, line,
          Compression.NONE, first && s.header(), first ? null : cols));
      if (k < cuts.size()) {
        from = to;
        line = cuts.get(k)[1];
      }
    }
    return out;
  }

  /**
   * The pieces of one big file, cut by a scan in a background thread and handed out as they are
   * found, so loading starts after the first piece instead of after a scan of the whole file.
   * The file's hash, which the scan computes, is known only at its end: the pieces carry a
   * pending hash that their tasks resolve before writing the ledger (see {@link PendingHashes}).
   */
  public static final class StreamedSplit implements Iterator<Piece>, AutoCloseable {
    private static final Object END = new Object();
    private final InputFile file;
    private final long target;
    private final Settings settings;
    private final String hash;
    private final LinkedBlockingQueue<Object> found = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private Object head;

    StreamedSplit(InputFile file, long target, Settings settings) {
      this.file = file;
      this.target = target;
      this.settings = settings;
      this.hash = settings.pending().pending(file.path().toString());
    }

    /** About how many pieces the scan will find. */
    public int estimatedPieces() {
      long tail = Math.min(file.size(), settings.workers() * target);
      return (int) Math.max(1, (file.size() - tail + target / 2) / target
          + (tail + target / 8) / (target / 4));
    }

    /** Starts the scan. */
    public void start() {
      Thread scanner = new Thread(this::run, "starmap-import-scan");
      scanner.setDaemon(true);
      scanner.start();
    }

    private void run() {
      try {
        List<String> cols = headerColumns(file, settings);
        MessageDigest digest = Hashes.sha256();
        long[] from = {0, 1}; // offset and line of the next piece
        Planner.scan(file, 0, file.size(), target, 1, settings, digest, (off, line) -> {
          if (closed) {
            throw new CancellationException("import stopped");
          }
          found.add(piece(from[0], off, from[1], cols));
          from[0] = off;
          from[1] = line;
        });
        found.add(piece(from[0], file.size(), from[1], cols));
        settings.pending().complete(hash, Hashes.hex(digest));
        found.add(END);
      } catch (IOException | RuntimeException e) {
        settings.pending().fail(hash, e);
        found.add(e);
      }
    }

    private Piece piece(long from, long to, long line, List<String> cols) {
      boolean first = from == 0;
      return new Piece(file.name(), file.path().toString(), file.size(), hash, from, to, line,
          Compression.NONE, first && settings.header(), first ? null : cols);
    }

    @Override
    public boolean hasNext() {
      if (head == null) {
        try {
          head = found.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ImportException("interrupted while cutting " + file.name(), e);
        }
      }
      if (head instanceof Throwable t) {
        throw new ImportException("cannot read " + file.name() + ": " + t.getMessage(), t);
      }
      return head != END;
    }

    @Override
    public Piece next() {
      if (!hasNext()) {
        throw new NoSuchElementException("no more pieces of " + file.name());
      }
      Piece p = (Piece) head;
      head = null;
      return p;
    }

    /** Stops the scan (the import ended early). */
    @Override
    public void close() {
      closed = true;
    }
  }
}

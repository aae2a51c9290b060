package io.starmap.importer.internal;

import java.io.IOException;
import java.nio.charset.Charset;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

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
   */
  public record Plan(List<List<Piece>> tasks, int files, int piecesSkipped, long rowsSkipped,
      long bytesSkipped, long bytesPlanned, long targetBytes) {
    /** Pieces to load. */
    public int pieces() {
      return tasks.stream().mapToInt(List::size).sum();
    }
  }

  /** What the planner needs besides the files. */
  public record Settings(Dialect dialect, Charset charset, boolean header,
      List<Sql.Column> tableColumns, String tableName, int workers, long maxTaskBytes) {}

  /**
   * Plans the loading of {@code files}.
   *
   * @param hashes the content hash of each file when known (the ledger has rows), else empty
   * @param loaded the ledger's loaded ranges by hash
   */
  public static Plan plan(List<InputFile> files, Map<InputFile, String> hashes,
      Map<String, List<Ledger.Range>> loaded, Settings s) throws IOException {
    record Gap(InputFile f, String hash, long start, long end) {}
    List<Gap> gaps = new ArrayList<>();
    int piecesSkipped = 0;
    long rowsSkipped = 0;
    long bytesSkipped = 0;
    for (InputFile f : files) {
      String hash = hashes.get(f);
      List<Ledger.Range> done = hash == null ? List.of() : loaded.getOrDefault(hash, List.of());
      long at = 0;
      for (Ledger.Range r : done) {
        if (r.start() > at) {
          gaps.add(new Gap(f, hash, at, r.start()));
        }
        at = Math.max(at, r.end());
        piecesSkipped++;
        rowsSkipped += r.rowsRead();
        bytesSkipped += r.end() - r.start();
      }
      if (f.gzip() && !done.isEmpty()) {
        continue;
      }
      if (at < f.size()) {
        gaps.add(new Gap(f, hash, at, f.size()));
      }
    }
    long total = gaps.stream().mapToLong(g -> g.end - g.start).sum();
    long target = Math.max(1L << 20, Math.min(s.maxTaskBytes(), total / (8L * s.workers())));

    List<Piece> pieces = new ArrayList<>();
    for (Gap g : gaps) {
      InputFile f = g.f;
      boolean wholeFile = g.start == 0 && g.end == f.size();
      long len = g.end - g.start;
      if (f.gzip() || len <= target + target / 2) {
        if (wholeFile) {
          pieces.add(new Piece(f.name(), f.path().toString(), f.size(), g.hash, 0, f.size(), 1,
              f.gzip(), s.header(), null));
        } else {
          pieces.add(rangePiece(f, g.hash, g.start, g.end, s));
        }
      } else {
        pieces.addAll(split(f, g.hash, g.start, g.end, target, s));
      }
    }

    List<List<Piece>> tasks = new ArrayList<>();
    List<Piece> group = new ArrayList<>();
    long groupBytes = 0;
    for (Piece p : pieces) {
      if (p.length() >= target / 2) {
        tasks.add(List.of(p));
        continue;
      }
      group.add(p);
      groupBytes += p.length();
      if (groupBytes >= target) {
        tasks.add(List.copyOf(group));
        group.clear();
        groupBytes = 0;
      }
    }
    if (!group.isEmpty()) {
      tasks.add(List.copyOf(group));
    }
    tasks.sort(Comparator.comparingLong(Planner::bytes).reversed());
    return new Plan(tasks, files.size(), piecesSkipped, rowsSkipped, bytesSkipped, total, target);
  }

  static long bytes(List<Piece> task) {
    return task.stream().mapToLong(Piece::length).sum();
  }

  /** A piece of a gap left by an earlier run: its first line and header columns are found. */
  private static Piece rangePiece(InputFile f, String hash, long start, long end, Settings s)
      throws IOException {
    if (start == 0) {
      return new Piece(f.name(), f.path().toString(), f.size(), hash, 0, end, 1, false, s.header(),
          null);
    }
    long line = 1 + countNewlines(f, start);
    return new Piece(f.name(), f.path().toString(), f.size(), hash, start, end, line, false,
        false, headerColumns(f, s));
  }

  private static List<String> headerColumns(InputFile f, Settings s) throws IOException {
    if (!s.header()) {
      return null;
    }
    List<String> names = Headers.firstRecord(f, s.dialect(), s.charset());
    return names == null ? null : Headers.map(names, s.tableColumns(), s.tableName(), f.name());
  }

  private static long countNewlines(InputFile f, long upTo) throws IOException {
    Piece whole = new Piece(f.name(), f.path().toString(), f.size(), "", 0, upTo, 1, false, false,
        null);
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

  /**
   * Splits [start, end) of a plain file at record boundaries about {@code target} bytes apart,
   * with a sequential quote-aware scan (a newline inside quotes is not a boundary). Computes the
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
    Piece reading = new Piece(f.name(), f.path().toString(), f.size(), "", start, end, baseLine,
        false, false, null);
    RecordScanner sc = new RecordScanner(s.dialect());
    byte[] b = new byte[1 << 20];
    long nextCut = start + target;
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
          if (cut < end) {
            cuts.add(new long[] {cut, baseLine + sc.newlines()});
          }
          nextCut = cut + target;
          i = e;
        }
        pos += n;
      }
      if (digest != null) {
        r.drainDigest();
      }
    }
    // no tiny tail piece: merge it into the previous one
    if (!cuts.isEmpty() && end - cuts.get(cuts.size() - 1)[0] < target / 4) {
      cuts.remove(cuts.size() - 1);
    }
    String h = hash != null ? hash : Hashes.hex(digest);
    List<String> cols = cuts.isEmpty() ? null : headerColumns(f, s);
    List<Piece> out = new ArrayList<>();
    long from = start;
    long line = baseLine;
    for (int k = 0; k <= cuts.size(); k++) {
      long to = k < cuts.size() ? cuts.get(k)[0] : end;
      boolean first = from == 0;
      out.add(new Piece(f.name(), f.path().toString(), f.size(), h, from, to, line, false,
          first && s.header(), first ? null : cols));
      if (k < cuts.size()) {
        from = to;
        line = cuts.get(k)[1];
      }
    }
    return out;
  }
}

package io.starmap.importer.internal;

import io.starmap.importer.ImportException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Detects the delimiter ({@code ,} {@code ;} tab {@code |}) and the quote ({@code "} or {@code
 * '}) that the caller left open, from a {@link Sample}: a candidate is valid when it splits the
 * records of every sampled file into the same number of fields, more than one (a tenth of the
 * records may differ: a bad row is the load's to report, not a reason to misread the file). Among
 * valid candidates, one whose field count is the table's wins, then the one under which most
 * records agree, then the one with most fields, then {@code ,} before {@code ;}, tab, {@code |},
 * and {@code "} before {@code '} (which is taken only where it reads the records better: a
 * {@code "} left open by a malformed record is the load's to report, at its line). Two
 * delimiters that tie on all of these are ambiguous; the sniff then falls back to {@code ,} and
 * {@code "} and says so, as when no candidate is valid.
 * Files whose own best candidates differ, with no candidate valid for all, are refused: loading
 * one dialect's reading of the other's bytes would load garbage.
 */
public final class DialectSniffer {
  private DialectSniffer() {}

  /** Delimiters tried, in the order that breaks ties. */
  static final char[] DELIMITERS = {',', ';', '\t', '|'};

  /** Quotes tried, in the order that breaks ties. */
  static final char[] QUOTES = {'"', '\''};

  /**
   * The dialect chosen and the one line that says why.
   *
   * @param delimiter the delimiter chosen
   * @param quote the quote chosen
   * @param message what was chosen and why, for the user; null when nothing was left open
   * @param fields the field count of the records under the chosen dialect, 0 when it was not
   *     sniffed (given, or the fallback)
   */
  public record Sniffed(char delimiter, char quote, String message, int fields) {}

  private record Candidate(char delimiter, char quote, List<ChunkSplits.Fit> fits) {
    int fields() {
      return fits.get(0).fields();
    }

    long agreeing() {
      return fits.stream().mapToLong(ChunkSplits.Fit::agreeing).sum();
    }

    long records() {
      return fits.stream().mapToLong(ChunkSplits.Fit::records).sum();
    }

    boolean valid() {
      return fits.stream().allMatch(f -> f.valid() && f.fields() == fields());
    }
  }

  /**
   * Sniffs what is left open.
   *
   * @param delimiter the delimiter given, or {@code SNIFF} ({@code '\0'})
   * @param quote the quote given, or {@code SNIFF}
   * @param escape the escape given, or {@code SNIFF} (the quote)
   * @param nullString the NULL marker (a candidate it contains is not tried)
   * @param sample the sample, or null when the input is empty
   * @param tableColumns the existing table's column count, or 0 when there is no table yet
   * @throws ImportException when sampled files are in different dialects
   */
  public static Sniffed sniff(char delimiter, char quote, char escape, String nullString,
      Sample sample, int tableColumns) {
    if (delimiter != 0 && quote != 0) {
      return new Sniffed(delimiter, quote, null, 0);
    }
    char fallbackQuote = quote != 0 ? quote : delimiter == '"' ? '\'' : '"';
    char fallbackDelimiter = delimiter != 0 ? delimiter : quote == ',' ? ';' : ',';
    if (sample == null) {
      return fallback(fallbackDelimiter, fallbackQuote, "the input is empty");
    }
    List<ChunkSplits.Plain> plain = sample.chunks().stream().map(ChunkSplits::plain).toList();
    List<Candidate> candidates = new ArrayList<>();
    for (char d : delimiter != 0 ? new char[] {delimiter} : DELIMITERS) {
      for (char q : quote != 0 ? new char[] {quote} : QUOTES) {
        if (d != q && d != escape && nullString.indexOf(d) < 0 && nullString.indexOf(q) < 0) {
          candidates.add(candidate(d, q, escape, sample, plain));
        }
      }
    }
    if (candidates.isEmpty()) {
      return fallback(fallbackDelimiter, fallbackQuote, "no candidate differs from the NULL"
          + " marker and the escape");
    }
    List<Candidate> valid = candidates.stream().filter(Candidate::valid).toList();
    if (valid.isEmpty()) {
      refuseMixed(candidates, sample);
      refuseRagged(candidates, sample, fallbackDelimiter);
      return fallback(fallbackDelimiter, fallbackQuote, "no candidate split every sampled record"
          + " into the same number of fields, more than one");
    }
    Candidate best = valid.get(0);
    for (Candidate c : valid.subList(1, valid.size())) {
      if (compare(c, best, tableColumns) > 0) {
        best = c;
      }
    }
    for (Candidate c : valid) {
      if (c.delimiter() != best.delimiter() && compare(c, best, tableColumns) == 0) {
        // a guess here loads wrong values ("x;1,5" read as "x;1" and 5): better to ask
        throw new ImportException(ImportException.Kind.DIALECT_UNKNOWN, "the delimiter cannot"
            + " be told from the input: " + show(best.delimiter()) + " and "
            + show(c.delimiter()) + " both split every sampled record into " + best.fields()
            + " fields (" + count(sample.chunks().size(), "file") + ", "
            + count(best.records(), "record") + "); give the delimiter", null);
      }
    }
    long records = best.records();
    return new Sniffed(best.delimiter(), best.quote(), "dialect: delimiter "
        + show(best.delimiter()) + ", quote " + show(best.quote()) + " (sniffed from "
        + count(sample.chunks().size(), "file") + ", " + count(records, "record") + ": "
        + best.fields() + " fields" + (best.agreeing() == records ? " in every record"
            : " in " + best.agreeing() + " of them") + ")", best.fields());
  }

  /** Positive when {@code a} is the better candidate; ties on order are not ties here. */
  private static int compare(Candidate a, Candidate b, int tableColumns) {
    if (tableColumns > 0 && (a.fields() == tableColumns) != (b.fields() == tableColumns)) {
      return a.fields() == tableColumns ? 1 : -1;
    }
    // agreeing records as a share of records, compared without division
    int share = Long.compare(a.agreeing() * b.records(), b.agreeing() * a.records());
    if (share != 0) {
      return share;
    }
    if (a.delimiter() == b.delimiter()) {
      // more fields under the other quote only means that it did not group what '"' grouped
      return Integer.compare(rank(b.quote()), rank(a.quote()));
    }
    return Integer.compare(a.fields(), b.fields());
  }

  private static int rank(char quote) {
    return quote == '"' ? 0 : 1;
  }

  /** Refuses files whose own best readings differ, when no one reading fits them all. */
  private static void refuseMixed(List<Candidate> candidates, Sample sample) {
    Candidate firstBest = null;
    int firstFile = -1;
    for (int i = 0; i < sample.chunks().size(); i++) {
      Candidate best = null;
      for (Candidate c : candidates) {
        ChunkSplits.Fit f = c.fits().get(i);
        if (f.valid() && (best == null || f.agreeing() * (long) best.fits().get(i).records()
            > (long) best.fits().get(i).agreeing() * f.records())) {
          best = c;
        }
      }
      if (best == null) {
        continue;
      }
      if (firstBest == null) {
        firstBest = best;
        firstFile = i;
      } else if (firstBest.delimiter() != best.delimiter() || firstBest.quote() != best.quote()) {
        throw new ImportException(ImportException.Kind.DIALECT_UNKNOWN,
            "the files are not in one CSV dialect: "
            + sample.chunks().get(firstFile).file() + " reads as " + describe(firstBest, firstFile)
            + ", but " + sample.chunks().get(i).file() + " as " + describe(best, i)
            + "; give the dialect, or import them separately", null);
      }
    }
  }

  /**
   * Refuses input that a delimiter other than the fallback's splits into several fields in most
   * records, but not in nine in ten: the fallback would read every record as one text value.
   * (Where the fallback's own delimiter splits most records, a few bad rows are just bad rows.)
   */
  private static void refuseRagged(List<Candidate> candidates, Sample sample,
      char fallbackDelimiter) {
    for (Candidate c : candidates) {
      if (c.delimiter() == fallbackDelimiter) {
        continue;
      }
      for (int i = 0; i < c.fits().size(); i++) {
        ChunkSplits.Fit f = c.fits().get(i);
        if (f.fields() > 1 && f.agreeing() * 2L > f.records()) {
          throw new ImportException(ImportException.Kind.DIALECT_UNKNOWN, "the delimiter cannot"
              + " be told from the input: " + show(c.delimiter()) + " splits "
              + sample.chunks().get(i).file() + " into " + f.fields() + " fields in only "
              + f.agreeing() + " of its " + count(f.records(), "sampled record")
              + "; give the delimiter (and the quote), or put the records right", null);
        }
      }
    }
  }

  private static String describe(Candidate c, int file) {
    return "delimiter " + show(c.delimiter()) + ", quote " + show(c.quote()) + " ("
        + c.fits().get(file).fields() + " fields)";
  }

  private static Sniffed fallback(char delimiter, char quote, String why) {
    return new Sniffed(delimiter, quote, "dialect: delimiter " + show(delimiter) + ", quote "
        + show(quote) + " (the default: " + why + ")", 0);
  }

  private static Candidate candidate(char d, char q, char escape, Sample sample,
      List<ChunkSplits.Plain> plain) {
    List<ChunkSplits.Fit> fits = new ArrayList<>();
    int esc = escape == 0 || escape == q ? Dialect.NO_ESCAPE : escape;
    for (int i = 0; i < sample.chunks().size(); i++) {
      ChunkSplits.Fit f = plain.get(i).fit(d, q);
      fits.add(f != null ? f : ChunkSplits.fit(sample.chunks().get(i), (byte) d, (byte) q, esc));
    }
    return new Candidate(d, q, List.copyOf(fits));
  }

  private static String count(long n, String what) {
    return String.format(Locale.ROOT, "%,d %s%s", n, what, n == 1 ? "" : "s");
  }

  /** A dialect character as messages show it. */
  public static String show(char c) {
    return c == '\t' ? "tab" : "'" + c + "'";
  }
}

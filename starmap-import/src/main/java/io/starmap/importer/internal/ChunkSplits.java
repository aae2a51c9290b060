package io.starmap.importer.internal;

import static io.starmap.importer.internal.DialectSniffer.DELIMITERS;
import static io.starmap.importer.internal.DialectSniffer.QUOTES;

import java.util.Arrays;

/**
 * How the records of one sampled file split under a candidate dialect of {@link DialectSniffer}:
 * the field count that most of them have, and how many have it.
 */
final class ChunkSplits {
  private ChunkSplits() {}

  /** The most records of one file that the sniff reads: enough to see a dialect, and cheap. */
  static final int MAX_RECORDS = 2_000;

  /** How one candidate splits one file's records. */
  record Fit(int records, int fields, int agreeing) {
    boolean valid() {
      return records > 0 && fields > 1 && agreeing * 10L >= records * 9L;
    }
  }

  /**
   * A chunk's fits for every delimiter as if no byte were a quote, and the quotes it holds: where
   * a candidate's quote is not in the chunk, quotes and escapes change nothing, and its fit is
   * the plain one of its delimiter.
   */
  record Plain(Fit[] fits, boolean[] quoteSeen) {
    Fit fit(char delimiter, char quote) {
      for (int k = 0; k < QUOTES.length; k++) {
        if (QUOTES[k] == quote && !quoteSeen[k]) {
          for (int j = 0; j < DELIMITERS.length; j++) {
            if (DELIMITERS[j] == delimiter) {
              return fits[j];
            }
          }
        }
      }
      return null;
    }
  }

  /**
   * What a byte is to {@link #plain}: 0 another byte, 1-4 a delimiter, 5-6 a quote, 7 a newline,
   * 8 a carriage return (which leaves a line blank, as in {@link #fit}).
   */
  private static final byte[] PLAIN_CLASS = new byte[256];

  static {
    for (int j = 0; j < DELIMITERS.length; j++) {
      PLAIN_CLASS[DELIMITERS[j]] = (byte) (1 + j);
    }
    for (int k = 0; k < QUOTES.length; k++) {
      PLAIN_CLASS[QUOTES[k]] = (byte) (1 + DELIMITERS.length + k);
    }
    PLAIN_CLASS['\n'] = 7;
    PLAIN_CLASS['\r'] = 8;
  }

  /**
   * {@link #fit} of every delimiter in one pass, noting which quotes occur instead of reading
   * them: the sniff reads the sample once instead of once per candidate (eight times). It runs
   * interpreted, once per import: 8 sampled files of the talk's data took 50 instead of 110 ms
   * of a fresh JVM's CPU ({@code SniffCost}, in the module's test classes).
   */
  static Plain plain(Sample.Chunk chunk) {
    byte[] b = chunk.bytes();
    int[][] counts = new int[DELIMITERS.length][MAX_RECORDS];
    int[] fields = new int[DELIMITERS.length];
    boolean[] quoteSeen = new boolean[QUOTES.length];
    int records = 0;
    boolean blank = true;
    byte[] kinds = PLAIN_CLASS;
    int n = b.length;
    int i = 0;
    while (i < n && records < MAX_RECORDS) {
      // the other bytes in a loop of their own, with fewer bytecodes per byte: this runs
      // interpreted (an import sniffs once), 2.2 instead of 3.1 ms per sampled file here
      int start = i;
      while (i < n && kinds[b[i] & 0xff] == 0) {
        i++;
      }
      if (i > start) {
        blank = false;
      }
      if (i == n) {
        break;
      }
      int k = kinds[b[i++] & 0xff];
      if (k <= DELIMITERS.length) {
        fields[k - 1]++;
        blank = false;
      } else if (k < 7) {
        quoteSeen[k - 1 - DELIMITERS.length] = true;
        blank = false;
      } else if (k == 7) {
        if (!blank) {
          for (int j = 0; j < fields.length; j++) {
            counts[j][records] = fields[j] + 1;
          }
          records++;
        }
        Arrays.fill(fields, 0);
        blank = true;
      } // else a carriage return, which leaves a line blank
    }
    if (chunk.whole() && i == b.length && records < MAX_RECORDS && !blank) {
      for (int j = 0; j < fields.length; j++) {
        counts[j][records] = fields[j] + 1;
      }
      records++;
    }
    Fit[] fits = new Fit[DELIMITERS.length];
    for (int j = 0; j < fits.length; j++) {
      fits[j] = modal(counts[j], records);
    }
    return new Plain(fits, quoteSeen);
  }

  /**
   * How the records of a chunk split: the field count most of them have. Quotes and escapes work
   * as in {@link RecordScanner}; a record the chunk cuts off is not counted.
   *
   * @param escape the escape byte, or {@link Dialect#NO_ESCAPE}, which no byte equals
   */
  static Fit fit(Sample.Chunk chunk, byte delim, byte quote, int escape) {
    byte[] b = chunk.bytes();
    int[] counts = new int[MAX_RECORDS];
    int records = 0;
    int fields = 1;
    boolean inQ = false;
    boolean lastEsc = false;
    boolean blank = true; // a blank line is no record of any dialect: it does not count
    int i = 0;
    for (; i < b.length && records < MAX_RECORDS; i++) {
      byte c = b[i];
      if (c != '\n' && c != '\r') {
        blank = false;
      }
      if (inQ) {
        if (c == escape && !lastEsc) {
          lastEsc = true;
          continue;
        }
        if (c == quote && !lastEsc) {
          inQ = false;
        }
        lastEsc = false;
      } else if (c == quote) {
        inQ = true;
      } else if (c == delim) {
        fields++;
      } else if (c == '\n') {
        if (!blank) {
          counts[records++] = fields;
        }
        fields = 1;
        blank = true;
      }
    }
    if (chunk.whole() && i == b.length && !inQ && records < MAX_RECORDS && !blank) {
      counts[records++] = fields;
    }
    return modal(counts, records);
  }

  private static Fit modal(int[] counts, int records) {
    int same = 0;
    while (same < records && counts[same] == counts[0]) {
      same++;
    }
    if (same == records) { // the usual case, without the sort (run mostly interpreted)
      return new Fit(records, records == 0 ? 0 : counts[0], records);
    }
    int[] sorted = Arrays.copyOf(counts, records);
    Arrays.sort(sorted);
    int bestValue = 0;
    int bestRun = 0;
    for (int i = 0; i < sorted.length;) {
      int j = i;
      while (j < sorted.length && sorted[j] == sorted[i]) {
        j++;
      }
      if (j - i > bestRun) {
        bestRun = j - i;
        bestValue = sorted[i];
      }
      i = j;
    }
    return new Fit(records, bestValue, bestRun);
  }
}

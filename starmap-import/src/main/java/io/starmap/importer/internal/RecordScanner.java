package io.starmap.importer.internal;

/**
 * Finds record ends in CSV bytes the way PostgreSQL's COPY line reader does: a newline ends a
 * record unless it is inside quotes; a quote toggles the quoted state unless escaped (the escape
 * counts only inside quotes and only when it differs from the quote). It counts records and
 * physical lines independently of the server, which is what the row accounting checks.
 */
public final class RecordScanner {
  private final byte quote;
  private final int escape;
  private boolean inQuote;
  private boolean lastWasEscape;
  private boolean pending;
  private long records;
  private long newlines;
  private long newlinesInRecord;

  /** A scanner for the dialect, starting outside quotes at a record boundary. */
  public RecordScanner(Dialect d) {
    this.quote = d.quote();
    this.escape = d.effectiveEscape();
  }

  /**
   * Scans {@code b[from, to)} up to the first record end.
   *
   * @return the index just past the newline that ends a record, or -1 when none ends in range
   */
  public int nextRecordEnd(byte[] b, int from, int to) {
    final byte q = quote;
    final int e = escape;
    boolean inQ = inQuote;
    boolean lastEsc = lastWasEscape;
    for (int i = from; i < to; i++) {
      byte c = b[i];
      if (c == '\n') {
        newlines++;
        if (!inQ) {
          records++;
          pending = false;
          newlinesInRecord = 0;
          inQuote = false;
          lastWasEscape = false;
          return i + 1;
        }
        newlinesInRecord++;
        lastEsc = false;
        pending = true;
        continue;
      }
      pending = true;
      if (c == q || c == e) {
        if (inQ && c == e) {
          lastEsc = !lastEsc;
        }
        if (c == q && !lastEsc) {
          inQ = !inQ;
        }
        if (c != e) {
          lastEsc = false;
        }
      } else {
        lastEsc = false;
      }
    }
    inQuote = inQ;
    lastWasEscape = lastEsc;
    return -1;
  }

  /** Starts again at a record boundary outside quotes, with nothing counted. */
  public void reset() {
    inQuote = false;
    lastWasEscape = false;
    pending = false;
    records = 0;
    newlines = 0;
    newlinesInRecord = 0;
  }

  /** Scans a whole chunk. */
  public void scan(byte[] b, int from, int to) {
    int i = from;
    while (i < to) {
      int end = nextRecordEnd(b, i, to);
      if (end < 0) {
        return;
      }
      i = end;
    }
  }

  /** Ends the input: a last record without a newline still counts. */
  public void finish() {
    if (pending) {
      records++;
      pending = false;
    }
  }

  /** True when bytes follow the last record end (a record has started). */
  public boolean pending() {
    return pending;
  }

  /** True inside a quoted field. */
  public boolean inQuote() {
    return inQuote;
  }

  /** Newlines inside the record being scanned so far (quoted newlines). */
  public long newlinesInRecord() {
    return newlinesInRecord;
  }

  /** Records ended so far. */
  public long records() {
    return records;
  }

  /** Newline bytes seen so far (physical lines ended). */
  public long newlines() {
    return newlines;
  }
}

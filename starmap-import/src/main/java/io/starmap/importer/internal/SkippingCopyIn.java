package io.starmap.importer.internal;

import java.sql.SQLException;
import java.util.List;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.ByteStreamWriter;

/**
 * A CSV text COPY that drops the fields a column list skips: PostgreSQL's COPY has no way to
 * skip an input field, so the records are rewritten on their way, each kept field's bytes as they
 * are (quotes included), so the server still parses every value it loads. The bytes arrive in any
 * chunks; the quote state carries over from one to the next, as in {@link RecordScanner}.
 *
 * <p>Fields past the end of the list are kept, so that the server reports a record with too many
 * fields ({@code extra data after last expected column}) with its line; one with too few, when a
 * loaded field is missing ({@code missing data for column}). A line break inside a skipped quoted
 * field would change the server's line numbers, by which bad rows are found: that is refused.
 */
final class SkippingCopyIn implements CopyIn {
  private final CopyIn in;
  private final boolean[] skip;
  private final byte delimiter;
  private final byte quote;
  private final int escape;
  private final byte[] out = new byte[1 << 16];
  private int n;
  private int field;
  private int keptInRecord;
  private boolean inQuote;
  private boolean lastWasEscape;

  /**
   * Wraps {@code in}.
   *
   * @param fields the column of each field in order, {@code ""} for a field to drop
   */
  SkippingCopyIn(CopyIn in, List<String> fields, Dialect d) {
    this.in = in;
    this.skip = new boolean[fields.size()];
    for (int i = 0; i < skip.length; i++) {
      skip[i] = fields.get(i).isEmpty();
    }
    this.delimiter = d.delimiter();
    this.quote = d.quote();
    this.escape = d.effectiveEscape();
    startRecord();
  }

  /** Whether a column list skips fields, so that text COPY needs this filter. */
  static boolean needed(List<String> fields) {
    return fields.contains("");
  }

  private boolean kept(int i) {
    return i >= skip.length || !skip[i];
  }

  private void startRecord() {
    field = 0;
    keptInRecord = kept(0) ? 1 : 0;
  }

  @Override
  public void writeToCopy(byte[] b, int off, int len) throws SQLException {
    // kept bytes go in runs (one copy each), not one by one
    int run = kept(field) ? off : -1;
    for (int i = off; i < off + len; i++) {
      byte c = b[i];
      if (inQuote) {
        if (c == '\n' && run < 0) {
          throw new SQLException("a field that the column list skips holds a line break, which"
              + " CSV text COPY cannot drop without changing the line numbers of errors", "0A000");
        }
        if (c == escape) {
          lastWasEscape = !lastWasEscape;
        } else {
          if (c == quote && !lastWasEscape) {
            inQuote = false;
          }
          lastWasEscape = false;
        }
      } else if (c == delimiter) {
        field++;
        boolean next = kept(field);
        // the delimiter goes only between two kept fields
        boolean emit = next && keptInRecord > 0;
        if (next) {
          keptInRecord++;
        }
        if (emit && run < 0) {
          run = i;
        } else if (!emit) {
          if (run >= 0) {
            append(b, run, i);
          }
          run = next ? i + 1 : -1;
        }
      } else if (c == '\n' || c == '\r') {
        if (run < 0) {
          run = i; // the line end always goes
        }
        if (c == '\n') {
          append(b, run, i + 1);
          startRecord();
          run = kept(0) ? i + 1 : -1;
        }
      } else if (c == quote) {
        inQuote = true;
      }
    }
    if (run >= 0) {
      append(b, run, off + len);
    }
    flush();
  }

  private void append(byte[] b, int from, int to) throws SQLException {
    int n0 = to - from;
    if (n0 > out.length - n) {
      flush();
      if (n0 > out.length) {
        in.writeToCopy(b, from, n0);
        return;
      }
    }
    System.arraycopy(b, from, out, n, n0);
    n += n0;
  }

  private void flush() throws SQLException {
    if (n > 0) {
      in.writeToCopy(out, 0, n);
      n = 0;
    }
  }

  @Override
  public void writeToCopy(ByteStreamWriter from) throws SQLException {
    throw new UnsupportedOperationException("the importer writes byte arrays");
  }

  @Override
  public void flushCopy() throws SQLException {
    flush();
    in.flushCopy();
  }

  @Override
  public long endCopy() throws SQLException {
    flush();
    return in.endCopy();
  }

  @Override
  public int getFieldCount() {
    return in.getFieldCount();
  }

  @Override
  public int getFormat() {
    return in.getFormat();
  }

  @Override
  public int getFieldFormat(int i) {
    return in.getFieldFormat(i);
  }

  @Override
  public boolean isActive() {
    return in.isActive();
  }

  @Override
  public void cancelCopy() throws SQLException {
    in.cancelCopy();
  }

  @Override
  public long getHandledRowCount() {
    return in.getHandledRowCount();
  }
}

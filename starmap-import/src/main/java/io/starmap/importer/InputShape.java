package io.starmap.importer;

import io.starmap.importer.internal.DialectSniffer;
import io.starmap.importer.internal.Dialect;
import io.starmap.importer.internal.InferredSchema;
import io.starmap.importer.internal.InputFile;
import io.starmap.importer.internal.PgEncoding;
import io.starmap.importer.internal.Sample;
import io.starmap.importer.internal.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What the options leave to the input: the dialect characters not given (sniffed) and, for a
 * missing table to be created from inferred columns, its columns, both from one {@link Sample}
 * read only when something is left open.
 *
 * @param dialect the dialect of the input
 * @param schema the inferred columns, or null when the table exists or has its definitions given
 * @param sampledFiles how many files the sample read
 * @param fields the field count the sniff chose, 0 when it fell back or nothing was sniffed
 */
record InputShape(Dialect dialect, InferredSchema schema, int sampledFiles, int fields) {

  /**
   * The shape worked out ahead, while the server is reached, as if the table were missing.
   *
   * @param sample the sample, or null when nothing is left open
   * @param shape the shape, or null when working it out failed
   * @param failure why it failed (an inferred table's error applies only when the table is
   *     missing), or null
   * @param messages what working it out told, to be told when it holds
   */
  record Ahead(Sample sample, InputShape shape, RuntimeException failure, List<String> messages) {}

  /**
   * Reads the sample of {@code files} (and the first bytes of standard input, when not null)
   * when something is left open, and works the shape out.
   */
  static Ahead ahead(ImportOptions o, List<InputFile> files, StdinInput stdin) {
    boolean utf8 = PgEncoding.pgName(o.encoding()).equals("UTF8");
    Sample sample = null;
    try {
      if (sniffs(o) || o.createInferred()) {
        sample = Sample.of(files, utf8);
        if (stdin != null) {
          Sample.Chunk head = stdin.sample();
          boolean first = stdin.isFirstInput();
          sample = sample == null ? new Sample(List.of(head), 1) : sample.with(head, first);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> messages = new ArrayList<>();
    try {
      return new Ahead(sample, of(o, sample, o.columns().size(), o.createInferred(),
          messages::add), null, messages);
    } catch (RuntimeException e) {
      return new Ahead(sample, null, e, List.of());
    }
  }

  /**
   * The shape for the table as it is ({@code existing}, null when missing): the one worked out
   * ahead when it holds, else worked out again for the table's columns.
   */
  static InputShape settle(ImportOptions o, Ahead ahead, Sql.TableInfo existing,
      Consumer<String> messages) {
    if (existing == null && ahead.failure() != null) {
      throw ahead.failure();
    }
    // a sniff that chose the table's field count would choose the same knowing the table
    int fields = o.columns().isEmpty() ? existing == null ? 0 : existing.columns().size()
        : o.columns().size(); // a column list says how many fields a record has
    boolean holds = existing == null || (ahead.shape() != null && ahead.shape().schema() == null
        && (!sniffs(o) || ahead.shape().fields() == fields));
    if (holds) {
      ahead.messages().forEach(messages);
      return ahead.shape();
    }
    return of(o, ahead.sample(), fields, false, messages);
  }

  private static boolean sniffs(ImportOptions o) {
    return o.delimiter() == ImportOptions.SNIFF || o.quote() == ImportOptions.SNIFF;
  }

  /**
   * The shape from a sample already read (standard input gives its first piece).
   *
   * @param tableColumns the existing table's column count, 0 when there is none
   * @param infer whether the table's columns are to be inferred
   */
  static InputShape of(ImportOptions o, Sample sample, int tableColumns, boolean infer,
      Consumer<String> messages) {
    DialectSniffer.Sniffed s = DialectSniffer.sniff(o.delimiter(), o.quote(), o.escape(),
        o.nullString(), sample, tableColumns);
    char escape = o.escape() == ImportOptions.SNIFF ? s.quote() : o.escape();
    OptionChecks.dialect(s.delimiter(), s.quote(), escape, o.nullString());
    if (s.message() != null) {
      messages.accept(s.message());
    }
    Dialect d = new Dialect((byte) s.delimiter(), (byte) s.quote(), (byte) escape,
        o.nullString(), o.encoding());
    InferredSchema schema = null;
    if (infer) {
      schema = InferredSchema.infer(sample, d, PgEncoding.charset(o.encoding()), o.header(),
          o.columnTypes());
      schema.messages().forEach(messages);
    }
    return new InputShape(d, schema, sample == null ? 0 : sample.chunks().size(), s.fields());
  }

  /**
   * The statement that creates {@code table} from the inferred columns, without running it; null
   * when there is nothing to infer.
   */
  String createStatement(String table) {
    return schema == null ? null
        : "CREATE TABLE " + Sql.qualified(table) + " (" + schema.columnDefinitions() + ")";
  }

  /** What is known of the header: decided with the inferred columns, else as given. */
  Header header(Header given) {
    return schema == null ? given : schema.header() ? Header.YES : Header.NO;
  }

  /** The line that tells the user which table was created, and from what. */
  String createdMessage(String table) {
    return "created table " + table + " (" + schema.columnDefinitions() + "), inferred from "
        + String.format(Locale.ROOT, "%,d", schema.records()) + " records of " + sampledFiles
        + " file" + (sampledFiles == 1 ? "" : "s");
  }
}

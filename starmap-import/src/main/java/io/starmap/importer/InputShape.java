package io.starmap.importer;

import io.starmap.importer.internal.DialectSniffer;
import io.starmap.importer.internal.Dialect;
import io.starmap.importer.internal.InferredSchema;
import io.starmap.importer.internal.InputFile;
import io.starmap.importer.internal.PgEncoding;
import io.starmap.importer.internal.Sample;
import io.starmap.importer.internal.Sql;
import java.io.IOException;
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
 */
record InputShape(Dialect dialect, InferredSchema schema, int sampledFiles) {

  /**
   * The shape of {@code files} for an import into {@code existing} (null: no table yet).
   *
   * @param messages told of the dialect sniffed and of the columns inferred, with why
   */
  static InputShape of(ImportOptions o, List<InputFile> files, Sql.TableInfo existing,
      Consumer<String> messages) throws IOException {
    boolean utf8 = PgEncoding.pgName(o.encoding()).equals("UTF8");
    boolean infer = existing == null && o.createInferred();
    boolean sniff = o.delimiter() == ImportOptions.SNIFF || o.quote() == ImportOptions.SNIFF;
    Sample sample = sniff || infer ? Sample.of(files, utf8) : null;
    return of(o, sample, existing == null ? 0 : existing.columns().size(), infer, messages);
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
    return new InputShape(d, schema, sample == null ? 0 : sample.chunks().size());
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

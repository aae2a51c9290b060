package io.starmap.cli;

import io.starmap.importer.Header;
import io.starmap.importer.ImportOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of {@code starmap import} that say what the input looks like and what the table is:
 * how to create it, which columns the fields go to, the CSV dialect. Kept apart from the run's
 * options (executor, workers, errors) so that each half reads on its own.
 */
final class ImportFormatOptions {
  @Option(names = "--create", paramLabel = "COLS|auto",
      description = "Create the table if missing. auto: column names from the header (or "
          + "column1..N) and types inferred from a sample of the input, printed before loading. "
          + "Otherwise the columns, written as after CREATE TABLE name ( in psql (quoted "
          + "identifiers, defaults, constraints), e.g. 'code text, date date, \"Last Name\" text';"
          + " the server refuses anything but that one CREATE TABLE statement.")
  String create;

  @Option(names = "--type", paramLabel = "COL=TYPE",
      description = "With --create auto: the SQL type of a column instead of the inferred one "
          + "(repeatable), e.g. --type value=numeric.")
  Map<String, String> types = new LinkedHashMap<>();

  @Option(names = "--columns", paramLabel = "A,B,C", split = ",",
      description = "The table columns the fields go to, in file order; - (or nothing between "
          + "two commas) skips a field. With a header, its names are not used to map fields.")
  List<String> columns;

  @Option(names = "--truncate",
      description = "Empty the table and forget what the ledger holds for it, in one "
          + "transaction, before loading.")
  boolean truncate;

  @Option(names = "--header", paramLabel = "auto|yes|no", defaultValue = "auto",
      description = "Whether files start with a header naming the columns; auto decides from the "
          + "first file (names of columns, or values that do not parse as the column types). "
          + "Default: ${DEFAULT-VALUE}.")
  Header header;

  @Option(names = "--delimiter", paramLabel = "C|tab|auto", defaultValue = "auto",
      description = "Field delimiter; auto detects , ; tab or | from a sample and says which "
          + "(default: ${DEFAULT-VALUE}).")
  String delimiter;

  @Option(names = "--quote", paramLabel = "C|auto", defaultValue = "auto",
      description = "Quote character; auto detects \" or ' from a sample (default: "
          + "${DEFAULT-VALUE}).")
  String quote;

  @Option(names = "--escape", paramLabel = "C",
      description = "Escape character inside quotes (default: the quote, as in \"\").")
  String escape;

  @Option(names = "--null", paramLabel = "S", defaultValue = "",
      description = "Unquoted string read as NULL (default: the empty string).")
  String nullString;

  @Option(names = "--encoding", paramLabel = "E", defaultValue = "UTF-8",
      description = "Encoding of the files (default: ${DEFAULT-VALUE}; a UTF-8 BOM is skipped).")
  String encoding;

  /** Sets these options on {@code b}; a bad value is an error naming the flag (exit 2). */
  void applyTo(ImportOptions.Builder b) {
    if (create != null && create.isBlank()) {
      throw new UserException("--create needs column definitions or auto, got ''", null, 2);
    }
    if ("auto".equalsIgnoreCase(create)) {
      b.createInferred();
      types.forEach(b::columnType);
    } else if (!types.isEmpty()) {
      throw new UserException("--type " + types.keySet().iterator().next() + "=... needs "
          + "--create auto", null, 2);
    } else {
      b.create(create);
    }
    if (columns != null) {
      List<String> names = new ArrayList<>();
      for (String c : columns) {
        names.add(c.equals("-") ? "" : c.strip());
      }
      try {
        b.columns(names);
      } catch (IllegalArgumentException e) {
        throw new UserException("--columns " + String.join(",", columns) + ": " + e.getMessage(),
            e, 2);
      }
    }
    b.truncate(truncate).header(header).nullString(nullString).encoding(encoding)
        .delimiter(dialectChar("--delimiter", delimiter, true))
        .quote(dialectChar("--quote", quote, true));
    if (escape != null) {
      b.escape(dialectChar("--escape", escape, false));
    }
  }

  /** The calculation's parameters that these options set. */
  void putParameters(Map<String, String> params) {
    params.put("header", header.name().toLowerCase(Locale.ROOT));
    params.put("delimiter", delimiter);
    params.put("quote", quote);
    if (create != null) {
      params.put("create", create);
    }
    if (columns != null) {
      params.put("columns", String.join(",", columns));
    }
    params.put("truncate", String.valueOf(truncate));
  }

  private static char dialectChar(String flag, String value, boolean autoAllowed) {
    if (autoAllowed && value.equalsIgnoreCase("auto")) {
      return ImportOptions.SNIFF;
    }
    if (value.equalsIgnoreCase("tab") || value.equals("\\t")) {
      return '\t';
    }
    if (value.length() != 1 || value.charAt(0) == 0) {
      throw new UserException(flag + " must be one character" + (flag.equals("--delimiter")
          ? ", tab" : "") + (autoAllowed ? " or auto" : "") + ", got '" + value + "'", null, 2);
    }
    return value.charAt(0);
  }
}

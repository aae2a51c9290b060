package io.starmap.importer;

import io.starmap.importer.internal.InferredSchema;
import io.starmap.importer.internal.Sql;
import io.starmap.importer.internal.TypeInference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Explains a bad row whose value does not fit the type its column was given from a sample: the
 * sample did not see every value. The table exists by then, with what was committed before the
 * failure, so the message says what works on a re-run, where the column types given for a table
 * to create no longer apply: change the column's type, or drop the table.
 */
final class InferredTypeMismatch {
  private InferredTypeMismatch() {}

  /** The column the server names, as {@code BadRowLocator} appends it to the reason. */
  private static final Pattern COLUMN = Pattern.compile(" \\(column (.+)\\)$");

  /** The first quoted value of the server's message ({@code "1.5"}). */
  private static final Pattern VALUE = Pattern.compile("\"((?:[^\"]|\"\")*)\"");

  /**
   * The failure explained when it is a value that does not fit an inferred type, else as it is.
   *
   * @param schema the columns inferred for the table this run created, or null
   */
  static ImportException explain(ImportException e, InferredSchema schema, String table) {
    if (schema == null || !(e instanceof BadInputException b)
        || b.kind() != ImportException.Kind.BAD_ROW) {
      return e;
    }
    Matcher m = COLUMN.matcher(b.reason());
    int i = m.find() ? schema.names().indexOf(m.group(1)) : -1;
    // a type the caller gave is not the sample's fault
    if (i < 0 || !schema.types().get(i).equals(schema.inferred().get(i).sql())) {
      return e;
    }
    String column = schema.names().get(i);
    TypeInference.Type inferred = schema.inferred().get(i);
    Matcher v = VALUE.matcher(b.reason());
    TypeInference.Type fitting = v.find() ? TypeInference.join(inferred,
        TypeInference.of(v.group(1).replace("\"\"", "\""))) : TypeInference.Type.TEXT;
    String reason = b.reason() + "; the column's type, " + inferred.sql() + ", was inferred from"
        + " a sample of the input, which did not hold this value (" + fitting.sql()
        + " holds it). What was loaded before stays in " + table + ": change the column's type"
        + " (ALTER TABLE " + Sql.qualified(table) + " ALTER COLUMN " + Sql.ident(column)
        + " TYPE " + fitting.sql() + ") and import again, which loads only what is missing, or"
        + " drop the table and import again with the column's type given";
    return new BadInputException(b.file(), b.line(), reason, column, inferred.sql(),
        fitting.sql());
  }
}

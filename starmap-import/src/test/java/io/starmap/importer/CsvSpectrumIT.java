package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The inference and the sniffer against a corpus they were not written for: csv-spectrum's edge
 * cases (BSD-2-Clause; fetched by {@code .ci/run} with {@code npm pack csv-spectrum@2.0.0} and
 * found through {@code $STARMAP_CSV_SPECTRUM}, its unpacked {@code package} directory), each with
 * the rows it holds as JSON. Every file is imported with an inferred table; its columns must be
 * the JSON's keys and its rows, read back as text (NULL as empty), the JSON's.
 */
@Timeout(300)
class CsvSpectrumIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static PgTarget DB;
  static Path corpus;

  /** Column types the rules give: a zip code with a leading zero is text. */
  static final Map<String, String> TYPES = Map.of(
      "comma_in_quotes", "first text, last text, address text, city text, zip text",
      "location_coordinates", "Contact Phone Number integer, Location Coordinates text, Cities"
          + " text, Counties text",
      "empty", "a integer, b text, c text",
      "json", "key integer, val text",
      "utf8", "a integer, b integer, c text");

  @BeforeAll
  static void database() {
    String dir = System.getenv("STARMAP_CSV_SPECTRUM");
    Assumptions.assumeTrue(dir != null && Files.isDirectory(Path.of(dir, "csvs")),
        "csv-spectrum not found: set STARMAP_CSV_SPECTRUM to its unpacked package directory");
    corpus = Path.of(dir);
    DB = PgTarget.of(PG.database());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json",
      "location_coordinates", "newlines", "newlines_crlf", "quotes_and_newlines", "simple",
      "simple_crlf", "utf8"})
  void eachFileIsInferredAndLoadedAsItsJsonSays(String name) throws IOException, SQLException {
    String json = Files.readString(corpus.resolve("json/" + name + ".json")).strip();
    // one file's JSON is its one row's object, not an array of rows
    json = json.startsWith("{") ? "[" + json + "]" : json;
    String table = "spectrum_" + name.toLowerCase(Locale.ROOT);
    ImportReport r = Importer.run(DB, ImportOptions.builder(table).createInferred().workers(1)
        .path(corpus.resolve("csvs/" + name + ".csv").toString()).build(), ImportListener.none());
    try (Connection c = DB.connect()) {
      assertThat(String.valueOf(r.rowsLoaded()))
          .isEqualTo(one(c, "SELECT json_array_length(?::json)", json));
      assertThat(one(c, "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute"
          + " WHERE attrelid = '" + table + "'::regclass AND attnum > 0", null))
          .isEqualTo(one(c, "SELECT string_agg(k, ',') FROM json_object_keys((?::json)->0) k",
              json));
      if (TYPES.containsKey(name)) {
        assertThat(one(c, "SELECT string_agg(attname || ' ' || format_type(atttypid,"
            + " atttypmod), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '" + table
            + "'::regclass AND attnum > 0", null)).isEqualTo(TYPES.get(name));
      }
      if (name.equals("location_coordinates")) {
        // its JSON is not its CSV (another phone number), and a quote inside an unquoted field
        // opens a quoted part in PostgreSQL's CSV: the value is the server's reading
        return;
      }
      String rows = "SELECT (SELECT jsonb_object_agg(key, coalesce(value, '')) FROM"
          + " jsonb_each_text(to_jsonb(t))) FROM " + table + " t";
      String expected = "SELECT x::jsonb FROM json_array_elements(?::json) x";
      assertThat(one(c, "SELECT count(*) FROM ((" + expected + ") EXCEPT ALL (" + rows + ")) d",
          json)).as("rows of the JSON not loaded").isEqualTo("0");
      assertThat(one(c, "SELECT count(*) FROM ((" + rows + ") EXCEPT ALL (" + expected + ")) d",
          json)).as("rows loaded not in the JSON").isEqualTo("0");
    }
  }

  private static String one(Connection c, String sql, String json) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (json != null) {
        ps.setString(1, json);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}

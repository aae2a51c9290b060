package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The COPY options are SQL string literals: they must mean the same whether the server reads
 * backslashes in plain literals as escapes ({@code standard_conforming_strings = off}, still
 * found on old installations and set per database or role) or not. This class's database has the
 * setting off for every session, so each import below runs against it for real.
 */
@Timeout(300)
class NonStandardStringsIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static int tables;

  @TempDir Path dir;

  @BeforeAll
  static void backslashEscapesInPlainLiterals() throws Exception {
    PostgresExtension.exec(PG.database(), "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET"
        + " standard_conforming_strings = off', current_database()); END $$");
    try (Connection c = PG.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SHOW standard_conforming_strings")) {
      rs.next();
      assertThat(rs.getString(1)).as("the sessions of this test's database").isEqualTo("off");
    }
  }

  private List<List<String>> load(String content,
      java.util.function.UnaryOperator<ImportOptions.Builder> dialect) throws Exception {
    Path f = dir.resolve("f" + (++tables) + ".csv");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    String table = "scs" + tables;
    ImportReport r = Importer.run(PgTarget.of(PG.database()), dialect.apply(
        ImportOptions.builder(table)).path(f.toString()).create("n int, s text, t text").header(Header.NO).workers(1)
        .copyFormat(CopyFormat.TEXT).build(), ImportListener.none());
    assertThat(r.rowsLoaded()).isEqualTo(content.lines().count());
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = PG.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT n, s, t FROM " + table + " ORDER BY n")) {
      while (rs.next()) {
        rows.add(java.util.Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3)));
      }
    }
    return rows;
  }

  @Test
  void aBackslashDelimiter() throws Exception {
    assertThat(load("1\\alpha\\\"be\\ta\"\n2\\\\gamma\n", b -> b
        .delimiter('\\'))).containsExactly(List.of("1", "alpha", "be\\ta"),
            java.util.Arrays.asList("2", null, "gamma"));
  }

  @Test
  void aQuoteQuoteAndABackslashEscape() throws Exception {
    assertThat(load("1,'it\\'s','a,b'\n2,'back\\\\slash',x\n", b -> b
        .quote('\'').escape('\\'))).containsExactly(List.of("1", "it's", "a,b"),
            List.of("2", "back\\slash", "x"));
  }

  @Test
  void aNullStringWithAQuoteAndABackslash() throws Exception {
    assertThat(load("1,n'\\,x\n2,y,n'\\\n", b -> b.nullString("n'\\")))
        .containsExactly(java.util.Arrays.asList("1", null, "x"),
            java.util.Arrays.asList("2", "y", null));
  }
}

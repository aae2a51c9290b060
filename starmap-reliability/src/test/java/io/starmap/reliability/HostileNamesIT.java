package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Table names, column definitions, header names and values full of quotes, semicolons and SQL are
 * quoted or refused, never executed: a canary table survives every attempt, and a table made
 * under a hostile name has exactly that name.
 */
@Timeout(300)
class HostileNamesIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path dir;
  Path home;
  Path csv;

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    csv = dir.resolve("one.csv");
    Files.writeString(csv, "1\n2\n");
    PostgresExtension.exec(PG.database(), "DROP TABLE IF EXISTS canary");
    PostgresExtension.exec(PG.database(), "CREATE TABLE canary (n int)");
    PostgresExtension.exec(PG.database(), "INSERT INTO canary VALUES (42)");
  }

  private String db() {
    return PG.database().url().psqlUrl();
  }

  @ParameterizedTest
  @ValueSource(strings = {"x\"; DROP TABLE canary; --", "canary; DROP TABLE canary",
      "Robert'); DROP TABLE canary;--", "a'b", "\"", "\"\"", "t\" OR 1=1 --",
      "x\"(n int); DROP TABLE canary; CREATE TABLE \"y", "public.z\"; DROP TABLE canary; --",
      "nosuchschema.t; DROP TABLE canary", "$$; DROP TABLE canary; $$", "E'\\''; DROP TABLE canary",
      "ta\tb\nle", " lead and trail ", "ü; DROP TABLE canary",
      // passes a naive [\\w ]+ check or looks like the canary, but is another name
      "\u0441anary", "canary\u200b", "CANARY", "a\"; drop table canary; --",
      // 64 bytes in 32 characters: PostgreSQL would cut it to another name
      "üüüüüüüüüüüüüüüüüüüüüüüüüüüüüüüü",
      "x\u0000y"})
  void hostileTableNamesAreQuotedOrRefused(String table) throws Exception {
    Set<String> before = tables();
    InProcessCli.Result r = InProcessCli.run(home, "import", csv.toString(), "--table", table,
        "--create", "n int", "--header", "no", "--db", db());
    assertCanaryAlive();
    if (r.exit() == 0) {
      String name = table.contains(".") ? table.substring(table.indexOf('.') + 1) : table;
      try (Connection c = PG.connect(); PreparedStatement ps = c.prepareStatement(
          "SELECT count(*) FROM pg_class WHERE relname = ? AND relkind = 'r'")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getInt(1)).as("a table named exactly %s", name).isEqualTo(1);
        }
      }
      assertOnlyNewTable(before, name);
    } else {
      assertThat(r.err()).as(r.all()).startsWith("starmap: ").doesNotContain("\tat ");
      assertOnlyNewTable(before, null);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"n int); DROP TABLE canary; --", "n int, m text); DROP TABLE canary;"
      + " CREATE TABLE x (c int", "n int; DROP TABLE canary",
      "n int CHECK ((SELECT count(*) FROM canary) > 0)",
      "n text COLLATE \"C\"; DROP TABLE canary", "n int);\nDROP TABLE canary;\nSELECT (1",
      "n int) ; DROP TABLE canary; /*", "a\"; drop table canary; --",
      "n int); DROP TABLE canary; CREATE TABLE y (\"", "n int)\u037e DROP TABLE canary",
      "n int) AS SELECT 1; DROP TABLE canary; --", "n int DEFAULT (pg_sleep(5))"})
  void columnDefinitionsThatEndTheStatementAreRefused(String columns) throws Exception {
    String table = "cols_" + Integer.toHexString(columns.hashCode());
    Set<String> before = tables();
    InProcessCli.Result r = InProcessCli.run(home, "import", csv.toString(), "--table", table,
        "--create", columns, "--header", "no", "--db", db());
    assertThat(r.exit()).as(r.all()).isNotZero();
    assertThat(r.err()).as(r.all()).startsWith("starmap: ").contains(table)
        .doesNotContain("\tat ");
    assertCanaryAlive();
    assertOnlyNewTable(before, null);
  }

  /** What a PostgreSQL user writes in a column list makes exactly these columns, nothing else. */
  static Stream<Arguments> columnLists() {
    return Stream.of(
        Arguments.of("\"first\" text, \"Last Name\" text", List.of("first", "Last Name")),
        Arguments.of("\"n; DROP TABLE canary\" int", List.of("n; DROP TABLE canary")),
        Arguments.of("\"a\"\"; drop table canary; --\" int", List.of("a\"; drop table canary; --")),
        Arguments.of("n int -- a comment; DROP TABLE canary", List.of("n")),
        Arguments.of("n int /* ); DROP TABLE canary; */", List.of("n")),
        Arguments.of("n text DEFAULT $$; DROP TABLE canary; $$", List.of("n")),
        Arguments.of("n text DEFAULT ');DROP TABLE canary;--'", List.of("n")),
        Arguments.of("\"\u0441\" int, \"c\" text", List.of("\u0441", "c")),
        Arguments.of("\"x\ny\" int", List.of("x\ny")),
        Arguments.of("N int, \"N\" text, \"n \" int", List.of("n", "N", "n ")),
        Arguments.of("id int PRIMARY KEY, v numeric(10, 2) NOT NULL CHECK (v >= 0)",
            List.of("id", "v")));
  }

  @ParameterizedTest
  @MethodSource("columnLists")
  void columnListsMakeExactlyTheirColumns(String columns, List<String> expected)
      throws Exception {
    String table = "cols_" + Integer.toHexString(columns.hashCode());
    Set<String> before = tables();
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "");
    InProcessCli.Result r = InProcessCli.run(home, "import", empty.toString(), "--table", table,
        "--create", columns, "--header", "no", "--db", db());
    assertThat(r.exit()).as(r.all()).isZero();
    assertCanaryAlive();
    assertOnlyNewTable(before, table);
    assertThat(columnsOf(table)).isEqualTo(expected);
  }

  @Test
  void aTableNameLongerThan63BytesIsRefusedNotCut() throws Exception {
    Set<String> before = tables();
    String name = "\u00e9".repeat(31) + "xy";
    InProcessCli.Result r = InProcessCli.run(home, "import", csv.toString(), "--table", name,
        "--create", "n int", "--header", "no", "--db", db());
    assertThat(r.exit()).as(r.all()).isNotZero();
    assertThat(r.err()).contains("63 bytes").doesNotContain("\tat ");
    assertOnlyNewTable(before, null);
  }

  @Test
  void headerNamesWithANewlineOrLookalikesMatchNoOtherColumn() throws Exception {
    PostgresExtension.exec(PG.database(), "CREATE TABLE hdr2 (k int, s text, \"x\ny\" int)");
    Set<String> before = tables();
    // the Kelvin sign and the long s fold to k and s in String.equalsIgnoreCase
    Path lookalike = dir.resolve("lookalike.csv");
    Files.writeString(lookalike, "\u212a,\u017f\n1,a\n");
    InProcessCli.Result r = InProcessCli.run(home, "import", lookalike.toString(), "--table",
        "hdr2", "--header", "yes", "--db", db());
    assertThat(r.exit()).as(r.all()).isNotZero();
    assertThat(r.err()).as(r.all()).contains("lookalike.csv:1: ").doesNotContain("\tat ");
    // a newline inside a quoted header name: the column of exactly that name, or none
    Path newline = dir.resolve("newline.csv");
    Files.writeString(newline, "\"x\ny\",k\n7,8\n");
    r = InProcessCli.run(home, "import", newline.toString(), "--table", "hdr2", "--header", "yes",
        "--db", db());
    assertThat(r.exit()).as(r.all()).isZero();
    assertThat(count("SELECT count(*) FROM hdr2 WHERE \"x\ny\" = 7 AND k = 8")).isEqualTo(1);
    Path split = dir.resolve("split.csv");
    Files.writeString(split, "\"x\nz\",k\n7,8\n");
    r = InProcessCli.run(home, "import", split.toString(), "--table", "hdr2", "--header", "yes",
        "--db", db());
    assertThat(r.exit()).as(r.all()).isNotZero();
    assertThat(r.err()).as(r.all()).contains("split.csv:1: ");
    assertThat(count("SELECT count(*) FROM hdr2")).isEqualTo(1);
    assertCanaryAlive();
    assertOnlyNewTable(before, null);
  }

  @Test
  void hostileHeaderNamesAreRefusedNotExecuted() throws Exception {
    Path evil = dir.resolve("evil-header.csv");
    Files.writeString(evil, "\"n\"\"; DROP TABLE canary; --\",m\n1,2\n");
    PostgresExtension.exec(PG.database(), "CREATE TABLE hdr (n int, m int)");
    InProcessCli.Result r = InProcessCli.run(home, "import", evil.toString(), "--table", "hdr",
        "--header", "yes", "--db", db());
    assertThat(r.exit()).as(r.all()).isNotZero();
    assertThat(r.err()).as(r.all()).contains("evil-header.csv").doesNotContain("\tat ");
    assertCanaryAlive();
  }

  @Test
  void hostileValuesAreLoadedAsData() throws Exception {
    Path evil = dir.resolve("evil-values.csv");
    String value = "'); DROP TABLE canary; --";
    Files.writeString(evil, "1,\"" + value + "\"\n2,\\.\n3,\"$$; DROP TABLE canary; $$\"\n");
    InProcessCli.Result r = InProcessCli.run(home, "import", evil.toString(), "--table", "vals",
        "--create", "n int, s text", "--header", "no", "--db", db());
    assertThat(r.exit()).as(r.all()).isZero();
    assertCanaryAlive();
    try (Connection c = PG.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT s FROM vals ORDER BY n")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo(value);
    }
    assertThat(count("SELECT count(*) FROM vals")).isEqualTo(3);
  }

  /** The ordinary tables of the test database, but the importer's own (its ledger). */
  private static Set<String> tables() throws Exception {
    Set<String> names = new TreeSet<>();
    try (Connection c = PG.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT n.nspname || '.' || c.relname FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND c.relname NOT LIKE 'starmap\\_%'")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /** No table but {@code created} (in public; none when null) appeared or went away. */
  private static void assertOnlyNewTable(Set<String> before, String created) throws Exception {
    Set<String> expected = new TreeSet<>(before);
    Set<String> after = tables();
    if (created != null) {
      expected.add(after.contains("public." + created) ? "public." + created : created);
    }
    assertThat(after).as("the tables after the import").isEqualTo(expected);
  }

  private static List<String> columnsOf(String table) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = PG.connect(); PreparedStatement ps = c.prepareStatement(
        "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0"
            + " AND NOT attisdropped ORDER BY attnum")) {
      ps.setString(1, "\"" + table.replace("\"", "\"\"") + "\"");
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    }
    return names;
  }

  private void assertCanaryAlive() throws Exception {
    assertThat(count("SELECT sum(n) FROM canary")).as("the canary table survives").isEqualTo(42);
  }

  private static long count(String sql) throws Exception {
    try (Connection c = PG.connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

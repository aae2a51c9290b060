package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Table names, column definitions, header names and values full of quotes, semicolons and SQL are
 * quoted or refused, never executed: a canary table survives every attempt, and a table made
 * under a hostile name has exactly that name.
 */
@Timeout(300)
class HostileNamesTest {
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
      "ta\tb\nle", " lead and trail ", "ü; DROP TABLE canary"})
  void hostileTableNamesAreQuotedOrRefused(String table) throws Exception {
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
    } else {
      assertThat(r.err()).as(r.all()).startsWith("starmap: ").doesNotContain("\tat ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"n int); DROP TABLE canary; --", "n int, m text); DROP TABLE canary;"
      + " CREATE TABLE x (c int", "\"n; DROP TABLE canary\" int", "n int DEFAULT (pg_sleep(5))",
      "n int CHECK ((SELECT count(*) FROM canary) > 0)", "n int; DROP TABLE canary",
      "n text COLLATE \"C\"; DROP TABLE canary", "n int -- comment", "n int /* x */"})
  void hostileColumnDefinitionsAreRefused(String columns) throws Exception {
    String table = "cols_" + Integer.toHexString(columns.hashCode());
    InProcessCli.Result r = InProcessCli.run(home, "import", csv.toString(), "--table", table,
        "--create", columns, "--header", "no", "--db", db());
    assertThat(r.exit()).as(r.all()).isNotZero();
    assertThat(r.err()).as(r.all()).startsWith("starmap: ").doesNotContain("\tat ");
    assertCanaryAlive();
    assertThat(count("SELECT count(*) FROM pg_class WHERE relname = '" + table + "'")).isZero();
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

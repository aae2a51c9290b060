package io.starmap.importer.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void parsesPostgresqlUrlWithEverything() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://alice:s3cret@db.example:6543/prices?sslmode=require");
    assertThat(u.host()).isEqualTo("db.example");
    assertThat(u.port()).isEqualTo(6543);
    assertThat(u.database()).isEqualTo("prices");
    assertThat(u.user()).isEqualTo("alice");
    assertThat(u.password()).isEqualTo("s3cret");
    assertThat(u.params()).containsExactly(Map.entry("sslmode", "require"));
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/prices?sslmode=require");
    assertThat(u.connectionProperties()).containsEntry("user", "alice")
        .containsEntry("password", "s3cret").containsEntry("sslmode", "require");
    assertThat(u.psqlUrl()).isEqualTo("postgresql://alice:s3cret@db.example:6543/prices?sslmode=require");
  }

  @Test
  void passwordNeverShowsInTextForPeople() {
    DatabaseUrl u = DatabaseUrl.parse("postgres://alice:s3cret@h/db");
    assertThat(u.redacted()).isEqualTo("postgresql://alice:***@h:5432/db");
    assertThat(u.toString()).isEqualTo(u.redacted()).doesNotContain("s3cret");
    assertThat(u.jdbcUrl()).doesNotContain("s3cret");
  }

  @Test
  void parsesJdbcUrlWithCredentialsInParameters() {
    DatabaseUrl u = DatabaseUrl.parse(
        "jdbc:postgresql://10.0.0.5:5433/imports?user=bob&password=p%40ss&ApplicationName=x");
    assertThat(u.host()).isEqualTo("10.0.0.5");
    assertThat(u.port()).isEqualTo(5433);
    assertThat(u.user()).isEqualTo("bob");
    assertThat(u.password()).isEqualTo("p@ss");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://10.0.0.5:5433/imports?ApplicationName=x");
    assertThat(u.redacted()).isEqualTo("postgresql://bob:***@10.0.0.5:5433/imports?ApplicationName=x");
    // psql does not know JDBC-only parameters, and needs the percent-encoded password.
    assertThat(u.psqlUrl()).isEqualTo("postgresql://bob:p%40ss@10.0.0.5:5433/imports");
  }

  @Test
  void defaultsPortAndDatabase() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://carol@localhost");
    assertThat(u.port()).isEqualTo(5432);
    assertThat(u.database()).isEqualTo("carol");
    assertThat(u.password()).isNull();
    assertThat(u.psqlUrl()).isEqualTo("postgresql://carol@localhost:5432/carol");
    assertThat(DatabaseUrl.parse("postgresql://127.0.0.1:1/none").user()).isNull();
  }

  @Test
  void ipv6HostsKeepTheirBrackets() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://u@[::1]:5444/d");
    assertThat(u.host()).isEqualTo("::1");
    assertThat(u.port()).isEqualTo(5444);
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5444/d");
  }

  @Test
  void roundTripsThroughPsqlUrl() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://al%20ice:p%2Fw:d@h:1/my%20db");
    assertThat(u.user()).isEqualTo("al ice");
    assertThat(u.password()).isEqualTo("p/w:d");
    assertThat(u.database()).isEqualTo("my db");
    assertThat(DatabaseUrl.parse(u.psqlUrl())).isEqualTo(u);
  }

  @Test
  void badUrlsNameTheRedactedUrlAndWhy() {
    assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:topsecret@h/d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mysql://u:***@h/d")
        .hasMessageContaining("postgresql://")
        .hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:topsecret@h:99999/d"))
        .hasMessageContaining("99999").hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:topsecret@h:abc/d"))
        .hasMessageContaining("'abc' is not a number").hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql://h/d?password=topsecret&port=1"))
        .hasMessageContaining("password=***").hasMessageNotContaining("topsecret");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://h1,h2/d"))
        .hasMessageContaining("several hosts");
    assertThatThrownBy(() -> DatabaseUrl.parse(" ")).hasMessageContaining("empty database URL");
  }

  @Test
  void redactWorksOnAnyText() {
    assertThat(DatabaseUrl.redact("x postgresql://a:b@c/d y")).isEqualTo("x postgresql://a:***@c/d y");
    assertThat(DatabaseUrl.redact("jdbc:postgresql://c/d?user=a&password=b&x=1"))
        .isEqualTo("jdbc:postgresql://c/d?user=a&password=***&x=1");
  }

  @Test
  void aPasswordWithPercentOrAtIsNeverEchoed() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:Zq9%zzSecret@h/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percent-encoding in the password")
        .hasMessageNotContaining("Zq9").hasMessageNotContaining("zzSecret");
    assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql://h/db?user=u&password=Zq9%zzSecret"))
        .hasMessageNotContaining("Zq9").hasMessageNotContaining("zzSecret");
    // A raw '@': the parser splits at the last one, and so does every redaction.
    DatabaseUrl u = DatabaseUrl.parse("postgresql://u:Pw@x9Secret@h/db");
    assertThat(u.password()).isEqualTo("Pw@x9Secret");
    assertThat(u.host()).isEqualTo("h");
    assertThat(u.redacted()).doesNotContain("x9Secret").doesNotContain("Pw");
    assertThat(DatabaseUrl.redact("--db postgresql://u:Pw@x9Secret@h/db failed"))
        .isEqualTo("--db postgresql://u:***@h/db failed");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:Pw@x9Secret@h:abc/db"))
        .hasMessageContaining("'abc' is not a number").hasMessageNotContaining("x9Secret")
        .hasMessageNotContaining("Pw@");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:Pw@x9%zzSecret@h/db"))
        .hasMessageNotContaining("x9").hasMessageNotContaining("zzSecret");
    // A user with a raw '@' does not hide the password from the redaction.
    assertThat(DatabaseUrl.redact("postgresql://me@corp:Pw9Secret@h/db"))
        .doesNotContain("Pw9Secret");
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://me@corp:Pw9Secret@h:0/db"))
        .hasMessageNotContaining("Pw9Secret");
  }

  @Test
  void aKnownPasswordIsMaskedWhereverItIsQuoted() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://u:p%40ss%25word@h/db");
    assertThat(u.password()).isEqualTo("p@ss%word");
    assertThat(u.redactIn("server said: p@ss%word or p%40ss%25word"))
        .isEqualTo("server said: *** or ***");
  }

  @Test
  void passfileGoesToPsqlNotToTheDriver() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://u@h:5/db?passfile=/x/pgpass&sslmode=require");
    assertThat(u.psqlUrl()).isEqualTo("postgresql://u@h:5/db?passfile=%2Fx%2Fpgpass&sslmode=require");
    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://h:5/db?sslmode=require");
    assertThat(u.connectionProperties()).doesNotContainKey("passfile");
    assertThat(DatabaseUrl.parse(u.psqlUrl())).isEqualTo(u);
  }
}

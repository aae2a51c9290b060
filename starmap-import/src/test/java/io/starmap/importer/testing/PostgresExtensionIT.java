package io.starmap.importer.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresExtensionIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @Test
  void givesARealDatabaseOfItsOwn() throws Exception {
    String table = PG.freshTable("id int, name text");
    try (Connection c = PG.connect(); Statement s = c.createStatement()) {
      s.executeUpdate("insert into " + table + " values (1, 'a'), (2, 'b')");
      try (ResultSet rs = s.executeQuery("select count(*), current_database() from " + table)) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
        assertThat(rs.getString(2)).isEqualTo(PG.database().url().database());
      }
    }
    assertThat(PG.database().embedded()).isTrue();
    assertThat(PG.freshSchema()).isNotEqualTo(PG.freshSchema());
  }
}

package io.starmap.importer.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RemoteDatabaseTest {

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void unreachableServerFailsWithOneLineNamingHostAndPort() {
    try (Database db = Databases.open("postgresql://u:topsecret@127.0.0.1:1/none")) {
      assertThat(db.embedded()).isFalse();
      assertThatThrownBy(db::connect)
          .isInstanceOf(DatabaseUnavailableException.class)
          .hasMessage("cannot connect to PostgreSQL at 127.0.0.1:1 (database none): Connection refused");
    }
  }
}

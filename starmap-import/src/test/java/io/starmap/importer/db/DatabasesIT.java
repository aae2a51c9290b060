package io.starmap.importer.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the importer's side of the database handles does without a server of its own. */
class DatabasesIT {

  @Test
  void noUrlIsRefusedAndNamesWhereTheEmbeddedServerIs() {
    assertThatThrownBy(() -> Databases.open(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no database URL")
        .hasMessageContaining("io.starmap.embedded");
  }

  @Test
  void anEmbeddedLeaseIsReleasedOnceAndThenRefusesConnections() {
    AtomicInteger releases = new AtomicInteger();
    DatabaseUrl url = DatabaseUrl.parse("postgresql://postgres@127.0.0.1:1/postgres");
    Database db = Databases.embedded(url, releases::incrementAndGet);
    assertThat(db.embedded()).isTrue();
    assertThat(db.url()).isEqualTo(url);
    db.close();
    db.close();
    assertThat(releases).hasValue(1);
    assertThatThrownBy(db::connect).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}

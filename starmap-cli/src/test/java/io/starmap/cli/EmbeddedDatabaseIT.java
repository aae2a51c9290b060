package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.embedded.EmbeddedServerException;
import io.starmap.embedded.EmbeddedServerException.Reason;
import org.junit.jupiter.api.Test;

/** The command line turns the embedded server's reasons into its own flag. */
class EmbeddedDatabaseIT {
  @Test
  void aReasonThatAnotherServerCuresNamesTheFlag() {
    assertThat(EmbeddedDatabase.message(new EmbeddedServerException(Reason.UNSUPPORTED_PLATFORM,
        "the embedded PostgreSQL ships for Linux x86-64 only, not linux/aarch64", null)))
        .isEqualTo("the embedded PostgreSQL ships for Linux x86-64 only, not linux/aarch64: pass"
            + " --db URL of a PostgreSQL server");
    assertThat(EmbeddedDatabase.message(new EmbeddedServerException(Reason.CANNOT_RUN_AS_ROOT,
        "... does not work here: run as another user", null)))
        .endsWith("run as another user, or pass --db URL of a PostgreSQL server");
    assertThat(EmbeddedDatabase.message(new EmbeddedServerException(Reason.FAILED,
        "pg_ctl start failed", null))).isEqualTo("pg_ctl start failed");
  }
}

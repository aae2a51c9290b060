package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.core.processes.ProcessPools;
import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer on the {@code processes} executor: its COPY tasks (records capturing the target,
 * the dialect and the pieces) travel to worker JVMs, which open their own connections.
 */
@Timeout(300)
class ImportOnProcessesIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  @TempDir Path dir;

  @AfterAll
  static void stopWorkers() {
    ProcessPools.shutdown();
  }

  @Test
  void loadsEveryRowThroughWorkerProcesses() throws IOException {
    for (int d = 0; d < 12; d++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        sb.append(String.format("%06d,2024-01-%02d,%d.%02d%n", i, 1 + d, i, d));
      }
      Files.writeString(dir.resolve("day" + d + ".csv"), sb.toString());
    }
    PgTarget db = PgTarget.of(PG.database());
    ImportReport r = Importer.run(db, ImportOptions.builder("on_processes")
        .path(dir.toString()).create("code text, date date, value numeric(12,2)")
        .header(Header.NO).executor("processes").workers(2).build(), ImportListener.none());
    assertThat(r.executor()).isEqualTo("processes");
    assertThat(r.files()).isEqualTo(12);
    assertThat(r.rowsLoaded()).isEqualTo(1200);
    assertThat(r.accountingBalances()).isTrue();
    assertThat(TestPg.count(db, "SELECT count(*) FROM on_processes")).isEqualTo(1200);
  }
}

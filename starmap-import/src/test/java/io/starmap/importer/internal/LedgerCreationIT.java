package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Imports that start at once into a database without a ledger all create it: each must find the
 * table there, whichever of them made it. PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} is not
 * safe against a concurrent creation: the loser fails on a catalog's key, the table's name or its
 * row type's, by server version and timing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerCreationIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

  private static final int AT_ONCE = 6;
  private static final int ROUNDS = 25;

  @Test
  void importsCreatingTheLedgerAtOnceAllFindIt() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        String schema = PG.freshSchema(); // a database without a ledger, each round
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
          Connection c = PG.connect();
          try (Statement st = c.createStatement()) {
            st.execute("SET search_path = " + schema);
          }
          connections.add(c);
        }
        CyclicBarrier start = new CyclicBarrier(AT_ONCE);
        List<Future<?>> done = new ArrayList<>();
        for (Connection c : connections) {
          done.add(pool.submit(() -> {
            start.await();
            Ledger.ensure(c);
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get(60, TimeUnit.SECONDS); // a failed creation throws here, with the server's error
        }
        try (Connection c = connections.get(0); Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("SELECT to_regclass('" + schema + "."
                + Ledger.TABLE + "') IS NOT NULL")) {
          assertThat(rs.next() && rs.getBoolean(1)).as("the ledger in %s", schema).isTrue();
        }
        for (Connection c : connections.subList(1, AT_ONCE)) {
          close(c);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void close(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}

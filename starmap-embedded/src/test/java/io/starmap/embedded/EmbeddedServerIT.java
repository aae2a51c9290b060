package io.starmap.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class EmbeddedServerIT {
  @TempDir Path dir;

  private EmbeddedServer server() {
    return EmbeddedServer.in(dir.resolve("pg"), TestServers.binariesCache(), false);
  }

  private static String query(Lease db, String sql) throws SQLException {
    try (Connection c = TestServers.connect(db); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void exec(Lease db, String sql) throws SQLException {
    try (Connection c = TestServers.connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void startsOnDemandStopsWithLastUserAndKeepsData() throws Exception {
    EmbeddedServer server = server();
    assertThat(server.status().running()).isFalse();
    int port;
    try (Lease db = server.acquire()) {
      assertThat(db.host()).isEqualTo("127.0.0.1");
      port = db.port();
      assertThat(query(db, "select 41 + 1")).isEqualTo("42");
      assertThat(query(db, "show listen_addresses")).isEqualTo("127.0.0.1");
      exec(db, "create table kept(x int); insert into kept values (7)");
      EmbeddedServer.Status st = server.status();
      assertThat(st.running()).isTrue();
      assertThat(st.users()).isEqualTo(1);
      assertThat(st.port()).isEqualTo(port);
    }
    assertThat(server.status().running()).isFalse();
    try (Lease db = server.acquire()) {
      assertThat(query(db, "select x from kept")).isEqualTo("7");
      assertThat(db.port()).as("the remembered port").isEqualTo(port);
    }
  }

  @Test
  void aTakenPortIsReplacedByAFreeOne() throws Exception {
    EmbeddedServer server = server();
    int first;
    try (Lease db = server.acquire()) {
      first = db.port();
    }
    try (java.net.ServerSocket taken = new java.net.ServerSocket(first, 1,
        java.net.InetAddress.getLoopbackAddress());
        Lease db = server.acquire()) {
      assertThat(taken.isBound()).isTrue();
      assertThat(db.port()).isNotEqualTo(first);
      assertThat(query(db, "select 1")).isEqualTo("1");
    }
  }

  @Test
  void durableServerHasFsyncOn() throws Exception {
    EmbeddedServer durable = EmbeddedServer.in(dir.resolve("pg"), TestServers.binariesCache(),
        true);
    try (Lease db = durable.acquire()) {
      assertThat(query(db, "show fsync")).isEqualTo("on");
      assertThat(query(db, "show synchronous_commit")).isEqualTo("on");
      assertThat(query(db, "show full_page_writes")).isEqualTo("on");
      assertThat(query(db, "show wal_writer_delay")).isEqualTo("10ms");
    }
  }

  @Test
  void aClusterMadeBeforeTheWalWritersPaceGetsItOnceAndTheUsersChoiceIsKept() throws Exception {
    EmbeddedServer server = server();
    try (Lease db = server.acquire()) {
      assertThat(query(db, "show wal_writer_delay")).isEqualTo("10ms");
    }
    Path conf = dir.resolve("pg/data/postgresql.conf");
    String made = Files.readString(conf);
    int block = made.indexOf("\n# Set by Starmap: the WAL writer's pace");
    int blockEnd = made.indexOf("wal_writer_delay = 10ms\n", block) + 24;
    assertThat(block).isPositive();
    // a cluster made before Starmap set the pace: PostgreSQL's 200 ms, no block
    String older = made.substring(0, block) + made.substring(blockEnd);
    assertThat(older).doesNotContainPattern("(?m)^wal_writer_delay");
    Files.writeString(conf, older);
    assertThat(server.status().running()).isFalse();
    try (Lease db = server.acquire()) {
      assertThat(query(db, "show wal_writer_delay")).isEqualTo("10ms");
    }
    // the line removed from Starmap's block: PostgreSQL's pace, not added again
    Files.writeString(conf, Files.readString(conf).replace("\nwal_writer_delay = 10ms", "\n"));
    for (int start = 0; start < 2; start++) {
      try (Lease db = server.acquire()) {
        assertThat(query(db, "show wal_writer_delay")).isEqualTo("200ms");
      }
    }
    // an older cluster whose user set the pace (any case, no '='): theirs, nothing added
    Files.writeString(conf, older + "WAL_WRITER_DELAY 50ms\n");
    try (Lease db = server.acquire()) {
      assertThat(query(db, "show wal_writer_delay")).isEqualTo("50ms");
    }
    assertThat(Files.readString(conf)).isEqualTo(older + "WAL_WRITER_DELAY 50ms\n");
  }

  @Test
  void pinnedServerOutlivesItsUsersUntilStopped() throws Exception {
    EmbeddedServer server = server();
    EmbeddedServer.Status started = server.start();
    assertThat(started.running()).isTrue();
    assertThat(started.pinned()).isTrue();
    assertThat(started.startMillis()).isGreaterThan(0);
    try (Lease db = server.acquire()) {
      assertThat(db.port()).isEqualTo(started.port());
    }
    assertThat(server.status().running()).isTrue();
    assertThat(server.start().startMillis()).as("already running").isEqualTo(-1);
    EmbeddedServer.Status stopped = server.stop(false);
    assertThat(stopped.running()).isFalse();
    assertThat(stopped.pinned()).isFalse();
  }

  @Test
  void stopWaitsForUsersUnlessForced() throws Exception {
    EmbeddedServer server = server();
    server.start();
    try (Lease db = server.acquire()) {
      assertThat(server.stop(false).running()).as("still used").isTrue();
      assertThat(query(db, "select 1")).isEqualTo("1");
    }
    assertThat(server.status().running()).as("last user gone, not pinned").isFalse();
    server.start();
    try (Lease db = server.acquire()) {
      assertThat(db.port()).isEqualTo(server.status().port());
      assertThat(server.stop(true).running()).as("forced").isFalse();
    }
  }

  @Test
  void concurrentUsersShareOneServer() throws Exception {
    EmbeddedServer server = server();
    int n = 4;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch allIn = new CountDownLatch(n);
    CountDownLatch leave = new CountDownLatch(1);
    try {
      List<Future<Integer>> ports = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ports.add(pool.submit(() -> {
          go.await();
          try (Lease db = server.acquire()) {
            allIn.countDown();
            assertThat(query(db, "select 1")).isEqualTo("1");
            leave.await();
            return db.port();
          }
        }));
      }
      go.countDown();
      assertThat(allIn.await(120, TimeUnit.SECONDS)).isTrue();
      EmbeddedServer.Status st = server.status();
      assertThat(st.running()).isTrue();
      assertThat(st.users()).isEqualTo(n);
      leave.countDown();
      for (Future<Integer> f : ports) {
        assertThat(f.get()).isEqualTo(st.port());
      }
    } finally {
      leave.countDown();
      pool.shutdownNow();
    }
    assertThat(server.status().running()).isFalse();
  }

  @Test
  void anotherProcessKeepsTheServerAndItsKilledLeaseIsRecovered() throws Exception {
    EmbeddedServer server = server();
    Process child = holdLease(server);
    try {
      EmbeddedServer.Status st = server.status();
      assertThat(st.running()).isTrue();
      assertThat(st.users()).isEqualTo(1);
      try (Lease db = server.acquire()) {
        assertThat(server.status().users()).isEqualTo(2);
        assertThat(query(db, "select 1")).isEqualTo("1");
      }
      assertThat(server.status().running()).as("the child still uses it").isTrue();
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      // kill -9 left the server running and a dead lease; the next user reuses and then stops it.
      assertThat(server.status().users()).isZero();
      assertThat(server.status().running()).isTrue();
      try (Lease db = server.acquire()) {
        assertThat(db.port()).isEqualTo(st.port());
        assertThat(query(db, "select 1")).isEqualTo("1");
      }
      assertThat(server.status().running()).isFalse();
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void killedServerIsRecovered() throws Exception {
    // Durable, so that a committed row survives the crash (it must, and does, in production).
    EmbeddedServer server = EmbeddedServer.in(dir.resolve("pg"), TestServers.binariesCache(),
        true);
    try (Lease db = server.acquire()) {
      exec(db, "create table t(x int); insert into t values (1)");
      long pid = server.status().pid();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    }
    // postmaster.pid is left behind, naming a dead process.
    assertThat(dir.resolve("pg/data/postmaster.pid")).exists();
    assertThat(server.status().running()).isFalse();
    try (Lease db = server.acquire()) {
      assertThat(query(db, "select count(*) from t")).isEqualTo("1");
    }
  }

  @Test
  void aProcessEndedBySigtermWhileItStartsTheServerStopsItOnceStarted() throws Exception {
    EmbeddedServer server = server();
    try (Lease first = server.acquire()) {
      // made once: the child's start below is pg_ctl's alone, waiting for the server to be ready
      assertThat(first.port()).isPositive();
    }
    assertThat(server.status().running()).isFalse();
    Path pid = dir.resolve("pg/data/postmaster.pid");
    Path childErr = dir.resolve("child.err");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        HoldLease.class.getName(), server.directory().toString(),
        TestServers.binariesCache().toString())
        .redirectError(childErr.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(pid) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(pid).as("the child started the server").exists();
      // Ctrl-C or SIGTERM now, before the child has its lease: its exit used to leave the
      // server running with no lease, until another process happened to take and drop one
      child.destroy();
      assertThat(child.waitFor(150, TimeUnit.SECONDS)).isTrue();
      EmbeddedServer.Status after = server.status();
      assertThat(after.running()).as("stopped by the child's exit; its stderr:%n%s%n"
          + "pg_ctl.log:%n%s", Files.readString(childErr),
          Files.readString(server.directory().resolve("pg_ctl.log"))).isFalse();
      assertThat(after.users()).isZero();
    } finally {
      child.destroyForcibly();
      server.stop(true); // whatever the outcome, no server outlives the test
    }
  }

  @Test
  void twoProcessesStartedAtOnceShareOneServer() throws Exception {
    EmbeddedServer server = server();
    Process a = startHolder(server);
    Process b = startHolder(server);
    try {
      String portA = awaitReady(a);
      String portB = awaitReady(b);
      assertThat(portA).isEqualTo(portB);
      EmbeddedServer.Status st = server.status();
      assertThat(st.running()).isTrue();
      assertThat(st.users()).isEqualTo(2);
      // Closing standard input lets a holder end normally and drop its lease.
      a.getOutputStream().close();
      assertThat(a.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(server.status().running()).as("b still holds it").isTrue();
      b.getOutputStream().close();
      assertThat(b.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(server.status().running()).as("the last one stopped it").isFalse();
      assertThat(Files.readAllLines(server.directory().resolve("pg_ctl.log")).stream()
          .filter(l -> l.startsWith("#") && l.contains("pg_ctl start")).count())
          .as("started once").isEqualTo(1);
    } finally {
      a.destroyForcibly();
      b.destroyForcibly();
    }
  }

  private Process holdLease(EmbeddedServer server) throws Exception {
    Process p = startHolder(server);
    awaitReady(p);
    return p;
  }

  private static Process startHolder(EmbeddedServer server) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        HoldLease.class.getName(), server.directory().toString(),
        TestServers.binariesCache().toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** The port the holder reports once it holds its lease. */
  private static String awaitReady(Process p) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String line = r.readLine();
    assertThat(line).startsWith("READY ");
    return line.substring("READY ".length());
  }
}

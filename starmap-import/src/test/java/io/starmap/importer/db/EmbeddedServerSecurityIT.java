package io.starmap.importer.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.starmap.embedded.EmbeddedServer;
import io.starmap.embedded.internal.EmbeddedAuth;
import io.starmap.embedded.internal.PgBinaries;
import io.starmap.embedded.internal.PgCtl;
import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another local user attacks the embedded PostgreSQL for real: psql as uid 65534 against its port,
 * as every role the cluster has. Also: a cluster made with {@code trust} by an older Starmap is
 * converted at its next start, with its data.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EmbeddedServerSecurityIT {
  private static final String NOBODY = "65534";

  @TempDir Path dir;

  private EmbeddedServer server() {
    return EmbeddedServer.in(dir.resolve("pg"), PostgresExtension.binariesCache(), false);
  }

  @Test
  void anotherLocalUserCannotLogInNorReadThePassword() throws Exception {
    assumeTrue(isRoot(), "needs root, to run psql as another uid (65534) with setpriv");
    assumeTrue(onPath("setpriv") && onPath("psql"),
        "needs setpriv (util-linux) and psql (postgresql-client), which .ci/run installs");
    Path attackerHome = attackerHome();
    try (Database db = PostgresExtension.acquire(server())) {
      int port = db.url().port();
      Path passFile = Path.of(db.url().params().get(DatabaseUrl.PASSFILE));
      List<String> roles = new ArrayList<>(List.of(EmbeddedServer.USER));
      try (Connection c = db.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select rolname from pg_roles where rolcanlogin")) {
        while (rs.next()) {
          roles.add(rs.getString(1));
        }
      }
      roles.add(System.getProperty("user.name"));
      for (String role : roles.stream().distinct().toList()) {
        Result noPassword = asNobody(attackerHome, "psql", "-w", "-h", "127.0.0.1", "-p",
            Integer.toString(port), "-U", role, "-d", "postgres", "-c",
            "COPY (select 1) TO PROGRAM 'id > " + attackerHome.resolve("owned") + "'");
        assertThat(noPassword.exit()).as("psql as %s without a password: %s", role, noPassword)
            .isNotZero();
        assertThat(noPassword.output()).as(role).containsAnyOf("no password supplied",
            "password authentication failed");
        Result viaPassFile = asNobody(attackerHome, "psql", "-w",
            "postgresql://" + role + "@127.0.0.1:" + port + "/postgres?passfile=" + passFile,
            "-c", "select 1");
        assertThat(viaPassFile.exit()).as("psql as %s with our passfile: %s", role, viaPassFile)
            .isNotZero();
      }
      assertThat(attackerHome.resolve("owned")).doesNotExist();
      Result read = asNobody(attackerHome, "cat", passFile.toString());
      assertThat(read.exit()).as("uid 65534 reads %s: %s", passFile, read).isNotZero();
      assertThat(Files.getPosixFilePermissions(passFile))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.getPosixFilePermissions(passFile.getParent()))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
      assertThat(Files.readString(dir.resolve("pg/data/pg_hba.conf"))).doesNotContain("trust");

      // The owner's own workflow: psql "$(starmap db url)", without the password in the URL.
      String url = db.url().psqlUrl();
      assertThat(url).doesNotContain(passwordOf(passFile));
      Result owner = run(List.of("env", "-u", "PGPASSWORD", "psql", "-w", "-At", url, "-c",
          "select 6 * 7"));
      assertThat(owner.exit()).as("the owner's psql: %s", owner).isZero();
      assertThat(owner.output().strip()).isEqualTo("42");
      // The role's verifier has the few iterations that a 256-bit random password needs (each
      // connection pays them), and psql and pgjdbc both accept it.
      try (Connection c = db.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select rolpassword from pg_authid where rolname = '"
              + EmbeddedServer.USER + "'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1))
            .startsWith("SCRAM-SHA-256$" + EmbeddedAuth.SCRAM_ITERATIONS + ":");
      }
    }
  }

  @Test
  void theEmbeddedPasswordDoesNotTravelWithTasks() throws Exception {
    try (Database db = PostgresExtension.acquire(server())) {
      String password = passwordOf(Path.of(db.url().params().get(DatabaseUrl.PASSFILE)));
      io.starmap.importer.PgTarget target = io.starmap.importer.PgTarget.of(db);
      assertThat(target.password()).isNull();
      var bytes = new java.io.ByteArrayOutputStream();
      try (var out = new java.io.ObjectOutputStream(bytes)) {
        out.writeObject(target);
      }
      assertThat(bytes.toString(StandardCharsets.ISO_8859_1)).doesNotContain(password);
      try (Connection c = target.connect(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select current_user")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(EmbeddedServer.USER);
      }
    }
  }

  @Test
  void aClusterMadeWithTrustIsConvertedAtItsNextStartWithItsData() throws Exception {
    Path pg = dir.resolve("pg");
    OldCluster old = OldCluster.create(pg);
    old.start();
    old.insertRows(1000);
    old.stop();
    try (Database db = PostgresExtension.acquire(server())) {
      assertThat(count(db)).isEqualTo(1000);
      assertRefusedWithoutPassword(db.url());
    }
    String hba = Files.readString(pg.resolve("data/pg_hba.conf"));
    assertThat(hba.lines().filter(l -> !l.startsWith("#"))).noneMatch(l -> l.contains("trust"));
    try (Database db = PostgresExtension.acquire(server())) {
      assertThat(count(db)).as("after a second start").isEqualTo(1000);
    }
  }

  @Test
  void aTrustServerStillRunningIsRestartedSecured() throws Exception {
    Path pg = dir.resolve("pg");
    OldCluster old = OldCluster.create(pg);
    old.start();
    old.insertRows(10);
    try (Database db = PostgresExtension.acquire(server())) {
      assertThat(count(db)).isEqualTo(10);
      assertRefusedWithoutPassword(db.url());
    } finally {
      old.stopQuietly();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static long count(Database db) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from kept")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void assertRefusedWithoutPassword(DatabaseUrl url) {
    Properties p = new Properties();
    p.setProperty("user", EmbeddedServer.USER);
    p.setProperty("password", "");
    assertThatThrownBy(() -> DriverManager.getConnection(url.jdbcUrl(), p).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password");
    p.setProperty("password", "guess");
    assertThatThrownBy(() -> DriverManager.getConnection(url.jdbcUrl(), p).close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
  }

  private static String passwordOf(Path passFile) throws IOException {
    String line = Files.readString(passFile).strip();
    return line.substring(line.lastIndexOf(':') + 1);
  }

  private Path attackerHome() throws IOException, InterruptedException {
    // Outside the test's own (root-only) directory, owned by the attacker.
    Path home = Files.createTempDirectory(Path.of("/tmp"), "starmap-attacker-");
    Result chown = run(List.of("chown", NOBODY + ":" + NOBODY, home.toString()));
    assertThat(chown.exit()).as(chown.toString()).isZero();
    home.toFile().deleteOnExit();
    return home;
  }

  private static Result asNobody(Path home, String... command)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY,
        "--regid=" + NOBODY, "--clear-groups", "env", "-i", "HOME=" + home,
        "PATH=/usr/local/bin:/usr/bin:/bin"));
    cmd.addAll(List.of(command));
    return run(cmd);
  }

  record Result(int exit, String output) {}

  static Result run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd + " did not finish in 60 s: " + out);
    }
    return new Result(p.exitValue(), out);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }

  /** A cluster as Starmap made it before passwords: {@code initdb -A trust}, no password file. */
  private record OldCluster(Path pg, Path bin, int port) {
    static OldCluster create(Path pg) throws Exception {
      Files.createDirectories(pg);
      Path bin = PgBinaries.ensure(PostgresExtension.binariesCache()).resolve("bin");
      int port;
      try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      OldCluster c = new OldCluster(pg, bin, port);
      c.pg("initdb", "-D", pg.resolve("data").toString(), "-U", "postgres", "-A", "trust",
          "-E", "UTF8", "--locale=C", "--no-instructions", "--no-sync");
      Files.writeString(pg.resolve("data/postgresql.conf"), """

          listen_addresses = '127.0.0.1'
          unix_socket_directories = ''
          fsync = off
          """, java.nio.file.StandardOpenOption.APPEND);
      Files.writeString(pg.resolve("port"), port + "\n");
      assertThat(Files.readString(pg.resolve("data/pg_hba.conf"))).contains("trust");
      return c;
    }

    void start() throws Exception {
      pg("pg_ctl", "start", "-D", pg.resolve("data").toString(), "-w", "-l",
          pg.resolve("old.log").toString(), "-o", "-p " + port);
    }

    void stop() throws Exception {
      pg("pg_ctl", "stop", "-D", pg.resolve("data").toString(), "-w", "-m", "fast");
    }

    void stopQuietly() {
      try {
        if (Files.exists(pg.resolve("data/postmaster.pid"))) {
          stop();
        }
      } catch (Exception | AssertionError e) {
        // already stopped by the new code
      }
    }

    void insertRows(int n) throws SQLException {
      Properties p = new Properties();
      p.setProperty("user", "postgres");
      try (Connection c = DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
          Statement s = c.createStatement()) {
        s.execute("create table kept(x int)");
        s.execute("insert into kept select generate_series(1, " + n + ")");
      }
    }

    private void pg(String program, String... args) throws Exception {
      List<String> cmd = new ArrayList<>();
      if (PgCtl.Unshare.needed()) {
        cmd.addAll(List.of("unshare", "-U"));
      }
      cmd.add(bin.resolve(program).toString());
      cmd.addAll(List.of(args));
      Result r = run(cmd);
      assertThat(r.exit()).as("%s: %s", cmd, r.output()).isZero();
    }
  }
}

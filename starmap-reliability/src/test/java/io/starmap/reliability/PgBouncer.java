package io.starmap.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PgBouncer in transaction mode ({@code pool_mode = transaction}) in front of one database,
 * as a child process of the test: each client transaction goes to any of its server connections,
 * of which there are at most {@code poolSize}. Run under {@code unshare -U} as root, which
 * PgBouncer refuses to be.
 */
final class PgBouncer implements AutoCloseable {
  /** Where Debian's package puts it. */
  static final Path EXECUTABLE = Path.of("/usr/sbin/pgbouncer");

  private final Process process;
  private final Path log;
  private final int port;

  private PgBouncer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Whether PgBouncer is installed here. */
  static boolean installed() {
    return Files.isExecutable(EXECUTABLE);
  }

  /**
   * Starts PgBouncer on a free port of 127.0.0.1 for {@code database} of the server at {@code
   * serverPort}, which {@code user} reaches with {@code password} (SCRAM on both sides).
   */
  static PgBouncer start(Path dir, int serverPort, String database, String user, String password,
      int poolSize) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "\"" + user + "\" \"" + password + "\"\n");
    Path log = dir.resolve("pgbouncer.log");
    Path ini = dir.resolve("pgbouncer.ini");
    Files.writeString(ini, String.join("\n",
        "[databases]",
        database + " = host=127.0.0.1 port=" + serverPort + " dbname=" + database + " user="
            + user + " password=" + password,
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        "listen_port = " + port,
        "unix_socket_dir =",
        "auth_type = scram-sha-256",
        "auth_file = " + users,
        "pool_mode = transaction",
        "default_pool_size = " + poolSize,
        "server_login_retry = 1",
        "logfile = " + log,
        "pidfile = " + dir.resolve("pgbouncer.pid"),
        ""));
    List<String> cmd = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      cmd.addAll(List.of("unshare", "-U"));
    }
    cmd.addAll(List.of(EXECUTABLE.toString(), ini.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("pgbouncer.out").toFile()).start();
    PgBouncer bouncer = new PgBouncer(p, log, port);
    bouncer.awaitListening();
    return bouncer;
  }

  /** The port it listens on. */
  int port() {
    return port;
  }

  /** Its log, for a failure's message. */
  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private void awaitListening() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IOException("PgBouncer did not start on port " + port + ": " + log(), e);
        }
        Thread.sleep(50);
      }
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

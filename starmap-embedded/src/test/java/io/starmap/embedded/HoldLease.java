package io.starmap.embedded;

import java.nio.file.Path;

/**
 * A child process for tests: takes a lease on an embedded server, prints {@code READY <port>}, and
 * holds it until killed or until its standard input closes.
 */
public final class HoldLease {
  private HoldLease() {}

  /** Arguments: the server directory and the binaries cache. */
  public static void main(String[] args) throws Exception {
    EmbeddedServer server = EmbeddedServer.in(Path.of(args[0]), Path.of(args[1]), false);
    try (Lease lease = server.acquire()) {
      System.out.println("READY " + lease.port());
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lease
      }
    }
  }
}

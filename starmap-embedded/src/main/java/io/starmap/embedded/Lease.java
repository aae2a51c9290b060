package io.starmap.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A hold on the running embedded server, from {@link EmbeddedServer#acquire()}: the server keeps
 * running while a lease is open. Its password is in {@link #passFile()} (libpq's format), which
 * only the owner reads; nothing here holds the password itself.
 */
public final class Lease implements AutoCloseable {
  private final EmbeddedServer server;
  private final Path file;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Counted down once the release is done: a second close (the exit's) waits for it. */
  private final CountDownLatch released = new CountDownLatch(1);

  Lease(EmbeddedServer server, Path file, int port) {
    this.server = server;
    this.file = file;
    this.port = port;
  }

  /**
   * The address the server listens on.
   *
   * @return always {@code 127.0.0.1}: the server listens on loopback only
   */
  public String host() {
    return EmbeddedServer.HOST;
  }

  /**
   * The server's TCP port.
   *
   * @return the port the server listened on when this lease was taken
   */
  public int port() {
    return port;
  }

  /**
   * The role to log in as, which is also the name of the database.
   *
   * @return {@link EmbeddedServer#USER}
   */
  public String user() {
    return EmbeddedServer.USER;
  }

  /**
   * The password file (libpq's format) that opens the server.
   *
   * @return the server's {@code pgpass} file
   */
  public Path passFile() {
    return server.passFile();
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public boolean closed() {
    return closed.get();
  }

  Path file() {
    return file;
  }

  /**
   * Drops the lease, once: the last lease of the last process stops the server unless it is pinned.
   *
   * @throws EmbeddedServerException when the server cannot be stopped
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        server.release(this);
      } finally {
        released.countDown();
      }
      return;
    }
    // Closed by another thread meanwhile (the exit's hook, or the owner as a Ctrl-C ends the
    // JVM): the JVM must not halt before that release has stopped the server.
    try {
      released.await(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "lease on " + host() + ":" + port + " (" + server.directory() + ")";
  }
}

package io.starmap.core.internal.process;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Accepts the workers' connections on a loopback port and checks who connects: a connection
 * counts only with the token a worker got through its stdin, once, followed by a HELLO frame.
 * It holds no lock of its own; the pool claims the token and takes the worker in under its lock.
 */
final class Acceptor {
  /** What the pool does with a connection. */
  interface Workers {
    /** The worker that was given {@code token}, now claimed, or null if none was. */
    Worker claim(String token);

    /**
     * Takes {@code w} in: its socket and the stream its frames come in on, after the HELLO that
     * said it spent {@code mainNanos} in its main; closes the socket if it is too late for it.
     */
    void connected(Worker w, Socket socket, DataInputStream in, long mainNanos)
        throws IOException;
  }

  private final String poolId;
  private final ServerSocket server;
  private final Workers workers;

  Acceptor(String poolId, Workers workers) throws IOException {
    this.poolId = poolId;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.workers = workers;
  }

  /** The port the workers connect to. */
  int port() {
    return server.getLocalPort();
  }

  /** Starts the thread that accepts connections until {@link #close}. */
  void start() {
    Thread acceptor = new Thread(this::accept, "starmap-" + poolId + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Stops accepting connections. */
  void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // nothing listens any more either way
    }
  }

  private void accept() {
    while (true) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // the pool is stopped
      }
      Thread.ofVirtual().name("starmap-" + poolId + "-handshake").start(() -> handshake(socket));
    }
  }

  private void handshake(Socket socket) {
    try {
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      InputStream raw = socket.getInputStream();
      StringBuilder token = new StringBuilder();
      int c;
      while ((c = raw.read()) >= 0 && c != '\n' && token.length() < 64) {
        token.append((char) c);
      }
      Worker w = workers.claim(token.toString());
      if (w == null) {
        socket.close(); // not one of ours
        return;
      }
      WorkerLauncher.deleteArgFile(w); // its JVM runs its main: the launcher has read the file
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
      if (in.readByte() != Wire.HELLO) {
        throw new IOException("expected HELLO from " + w.name);
      }
      in.readLong(); // the worker's pid, known already
      long mainNanos = in.readLong(); // time in the worker's main: handshake and warm-up
      socket.setSoTimeout(0);
      workers.connected(w, socket, in, mainNanos);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
    }
  }
}

package io.starmap.embedded.internal;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The embedded server's port: chosen free once and remembered in {@code pg/port}, so that its URL
 * stays the same across restarts while that port is free.
 */
public final class ServerPort {
  private final Path file;

  /**
   * The port remembered in {@code dir/port}.
   *
   * @param dir the server's state directory
   */
  public ServerPort(Path dir) {
    this.file = dir.resolve("port");
  }

  /**
   * The remembered port, free or not.
   *
   * @return the port of the file, or empty when there is none or it is garbled
   * @throws IOException when the file cannot be read
   */
  public Optional<Integer> preferred() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(Files.readString(file).strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The remembered port if it is free, else a new free one (remembered from now on).
   *
   * @return a port that was free a moment ago
   * @throws IOException when the file cannot be read or written
   */
  public int choose() throws IOException {
    Optional<Integer> preferred = preferred();
    if (preferred.isPresent() && isFree(preferred.get())) {
      return preferred.get();
    }
    return fresh();
  }

  /**
   * A free port, remembered from now on.
   *
   * @return a port that was free a moment ago
   * @throws IOException when no port is free or the file cannot be written
   */
  public int fresh() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OwnerOnly.writeString(file, port + "\n");
    return port;
  }

  /**
   * Whether a port of the loopback address is free now.
   *
   * @param port the port
   * @return true when a socket could bind it
   */
  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
  }
}

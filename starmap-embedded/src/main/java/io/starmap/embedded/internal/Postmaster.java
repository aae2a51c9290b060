package io.starmap.embedded.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The postmaster that {@code postmaster.pid} of a data directory names.
 *
 * @param pid its pid, or 0 when the file is being written or garbled
 * @param port the port it listens on, or 0
 * @param state its state line ({@code ready}, {@code starting}...), or empty
 * @param alive whether that pid is a live {@code postgres}
 * @param pidFile the {@code postmaster.pid} it was read from
 */
public record Postmaster(long pid, int port, String state, boolean alive, Path pidFile) {

  /**
   * Reads {@code data/postmaster.pid}.
   *
   * @param data the cluster's data directory
   * @return the postmaster it names, or null when there is no such file
   * @throws IOException when the file cannot be read
   */
  public static Postmaster of(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    List<String> lines;
    try {
      lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (lines.size() < 4) {
      // Being written by a starting postmaster, or truncated by a crash.
      return new Postmaster(0, 0, "", false, pidFile);
    }
    long pid;
    int port;
    try {
      pid = Long.parseLong(lines.get(0).strip());
      port = Integer.parseInt(lines.get(3).strip());
    } catch (NumberFormatException e) {
      // Garbled by a crash: nothing runs from it.
      return new Postmaster(0, 0, "", false, pidFile);
    }
    String state = lines.size() > 7 ? lines.get(7).strip() : "";
    Optional<ProcessHandle> ph = ProcessHandle.of(pid);
    boolean alive = ph.isPresent() && ph.get().isAlive()
        && ph.get().info().command().map(c -> c.endsWith("/postgres")).orElse(true);
    return new Postmaster(pid, port, state, alive, pidFile);
  }

  /**
   * Whether a postmaster runs from {@code pm}.
   *
   * @param pm a postmaster, or null
   * @return true when {@code pm} is not null and alive
   */
  public static boolean running(Postmaster pm) {
    return pm != null && pm.alive();
  }
}

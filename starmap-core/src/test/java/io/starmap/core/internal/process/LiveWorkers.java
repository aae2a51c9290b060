package io.starmap.core.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds live processes by a marker in their command line, from /proc. A zombie (state Z) counts
 * as dead: it has exited, and on this machine PID 1 may be slow to reap it.
 */
final class LiveWorkers {
  private LiveWorkers() {}

  static List<Long> withMarker(String marker) {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path p : procs) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")),
              StandardCharsets.UTF_8).replace('\0', ' ');
          if (!cmdline.contains(marker) || !cmdline.contains("starmap.worker")) {
            continue;
          }
          if (alive(p)) {
            pids.add(Long.parseLong(name));
          }
        } catch (IOException e) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }

  static boolean alive(long pid) {
    return alive(Path.of("/proc", Long.toString(pid)));
  }

  private static boolean alive(Path proc) {
    try {
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("State:")) {
          return !line.contains("Z") && !line.contains("X");
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

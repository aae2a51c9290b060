package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A crash of an embedded server, for the tests of what an import reports after one. */
final class ServerCrash {
  private ServerCrash() {}

  /**
   * Kills the server of the state directory {@code pgDir} as a crash would: SIGQUIT to the
   * postmaster is an immediate shutdown, which writes neither WAL nor data; returns once it is
   * gone.
   */
  static void immediate(Path pgDir) throws Exception {
    Path pidFile = pgDir.resolve("data").resolve("postmaster.pid");
    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
    Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
    ProcessHandle postmaster = ProcessHandle.of(pid).orElse(null);
    if (postmaster != null) {
      postmaster.onExit().get(60, TimeUnit.SECONDS);
    }
  }
}

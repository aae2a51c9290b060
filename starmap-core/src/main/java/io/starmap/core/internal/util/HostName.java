package io.starmap.core.internal.util;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's name as the kernel has it, without asking a name service: every run names its
 * workers after it. {@link InetAddress#getLocalHost()} resolves the name after reading it, through
 * {@code /etc/hosts} at best, through DNS when the name is not there (seconds on a machine whose
 * resolver does not answer). On Linux the kernel's name is a file; elsewhere the resolver stays
 * the fallback.
 */
public final class HostName {
  private static final Path KERNEL = Path.of("/proc/sys/kernel/hostname");

  private HostName() {}

  /**
   * The local host's name: the kernel's on Linux, else the resolver's; {@code localhost} when
   * neither gives one.
   *
   * @return a name, never blank
   */
  public static String local() {
    return local(KERNEL);
  }

  /** {@link #local()} reading the kernel's name from {@code kernel}: for tests. */
  static String local(Path kernel) {
    try {
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel).strip();
        if (!name.isEmpty()) {
          return name;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall back to the resolver
    }
    try {
      String name = InetAddress.getLocalHost().getHostName();
      return name == null || name.isBlank() ? "localhost" : name;
    } catch (IOException | RuntimeException e) {
      return "localhost";
    }
  }
}

package io.starmap.core.internal.util;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's name as the kernel has it, without asking a name service: the calculation store
 * records it, and workers are named after it unless {@code HOSTNAME} is exported. {@link
 * InetAddress#getLocalHost()} resolves the name after reading it, through {@code /etc/hosts} at
 * best, through DNS when the name is not there (seconds on a machine whose resolver does not
 * answer). On Linux the kernel's name is a file; elsewhere the resolver stays the fallback.
 */
public final class HostName {
  private static final Path KERNEL = Path.of("/proc/sys/kernel/hostname");
  /** The JDK's resolver (a class, not a lambda: nothing to link at run time in every process). */
  private static final Resolver SYSTEM = new Resolver() {
    @Override
    public String name() throws IOException {
      return InetAddress.getLocalHost().getHostName();
    }
  };

  private HostName() {}

  /**
   * The local host's name: the kernel's on Linux, else the resolver's; {@code localhost} when
   * neither gives one.
   *
   * @return a name, never blank
   */
  public static String local() {
    return local(KERNEL, SYSTEM);
  }

  /** The resolver's answer, or an exception when it has none. */
  interface Resolver {
    String name() throws IOException;
  }

  /** {@link #local()} reading the kernel's name from {@code kernel}, else asking {@code resolver}. */
  static String local(Path kernel, Resolver resolver) {
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
      String name = resolver.name();
      return name == null || name.isBlank() ? "localhost" : name.strip();
    } catch (IOException | RuntimeException e) {
      return "localhost";
    }
  }
}

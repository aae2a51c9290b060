package io.starmap.core.internal;

import java.net.InetAddress;

/** This machine's name and this process's id, looked up once. */
public final class Host {
  /** The host name, or {@code localhost} when it cannot be found. */
  public static final String NAME = lookup();
  /** This JVM's process id. */
  public static final long PID = ProcessHandle.current().pid();

  private Host() {}

  private static String lookup() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }

  /** {@code host:pid/thread} for the current thread. */
  public static String currentWorkerId() {
    return NAME + ":" + PID + "/" + Thread.currentThread().getName();
  }
}

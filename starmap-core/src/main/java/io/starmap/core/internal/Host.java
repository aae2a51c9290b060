package io.starmap.core.internal;

import io.starmap.core.internal.util.HostName;

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
    return HostName.local();
  }

  private static final ThreadLocal<String[]> WORKER_ID = ThreadLocal.withInitial(() -> new String[2]);

  /** {@code host:pid/thread} for the current thread. */
  public static String currentWorkerId() {
    // Cached per thread (a task per microsecond would otherwise build a string each time), and
    // rebuilt when the thread was renamed.
    String name = Thread.currentThread().getName();
    String[] cached = WORKER_ID.get();
    if (cached[0] != name) {
      cached[1] = NAME + ":" + PID + "/" + name;
      cached[0] = name;
    }
    return cached[1];
  }
}

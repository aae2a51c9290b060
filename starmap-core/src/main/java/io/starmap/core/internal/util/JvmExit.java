package io.starmap.core.internal.util;

/** Whether this JVM has begun to end. */
public final class JvmExit {
  private JvmExit() {}

  /**
   * Whether the JVM is ending (Ctrl-C, SIGTERM, {@code System.exit}): a failure from then on is
   * most likely the exit's own doing (a database stopped with the last lease), not the work's.
   * The JDK has no query for it, but refuses new shutdown hooks once the first one has started.
   *
   * @return true once the JVM's shutdown has begun
   */
  public static boolean ending() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}

package io.starmap.core.internal.process;

import java.util.concurrent.LinkedBlockingQueue;

/**
 * The one thread that starts every worker JVM. Linux sends a child's parent-death signal when the
 * thread that forked it ends, not the process: a worker started from a short-lived thread would be
 * killed with it. So this thread lives as long as the JVM and survives whatever it runs.
 */
final class Launcher {
  private static final LinkedBlockingQueue<Runnable> QUEUE = new LinkedBlockingQueue<>();

  static {
    Thread thread = new Thread(Launcher::loop, "starmap-process-launcher");
    thread.setDaemon(true);
    thread.start();
  }

  private Launcher() {}

  static void execute(Runnable action) {
    QUEUE.add(action);
  }

  private static void loop() {
    while (true) {
      try {
        QUEUE.take().run();
      } catch (InterruptedException e) {
        // never end: the workers' parent-death signal is tied to this thread
      } catch (Throwable t) {
        System.getLogger("io.starmap.processes").log(System.Logger.Level.ERROR,
            "starting a worker failed", t);
      }
    }
  }
}

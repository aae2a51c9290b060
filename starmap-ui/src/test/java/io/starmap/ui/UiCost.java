package io.starmap.ui;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What watching costs the server, run by hand: a calculation runs in another process for about
 * 90 s while two pages (the list and the calculation's page, as event streams read by curl) watch
 * it; prints the CPU time of the server's threads (the polling thread, the HTTP server's) and of
 * this whole JVM (the server with its garbage collector and JIT) over {@code SECONDS} seconds, as
 * a share of one core.
 *
 * <pre>{@code
 * java -cp "$(cat cp.txt):target/classes:target/test-classes" io.starmap.ui.UiCost [SECONDS]
 * }</pre>
 */
public final class UiCost {
  private UiCost() {}

  /** Argument: the seconds to measure (default 60). */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    Path home = Files.createTempDirectory("starmap-ui-cost");
    try (UiServer server = UiServer.start(home, InetAddress.getLoopbackAddress(), 0);
         Child run = Child.start(home, "watched", 2400, 50, false)) {
      String cookie = "starmap_ui_" + server.port() + "="
          + server.url().getQuery().substring("token=".length());
      // the pages are curl processes, so that this JVM's CPU time is the server's alone
      List<Process> pages = new ArrayList<>();
      for (String path : new String[] {"/events/calcs", "/events/calc/" + run.calcId()}) {
        pages.add(new ProcessBuilder("curl", "-sN", "-o", "/dev/null", "-H", "Cookie: " + cookie,
            "http://127.0.0.1:" + server.port() + path).start());
      }
      Thread.sleep(15_000); // the streams' first events and the JIT's first work are not counted
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      var os = (com.sun.management.OperatingSystemMXBean)
          ManagementFactory.getOperatingSystemMXBean();
      Map<String, Long> before = byKind(threads);
      long p0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      double wall = (System.nanoTime() - t0) / 1e9;
      Map<String, Long> after = byKind(threads);
      double p = (os.getProcessCpuTime() - p0) / 1e9;
      double serving = 0;
      StringBuilder line = new StringBuilder();
      for (String kind : after.keySet()) {
        double s = (after.get(kind) - before.getOrDefault(kind, 0L)) / 1e9;
        serving += kind.equals("other") ? 0 : s;
        line.append(String.format("; %s %.3f s (%.2f%%)", kind, s, 100 * s / wall));
      }
      System.out.printf("over %.1f s of watching (run alive: %s, pages alive: %s): the server's"
          + " threads %.3f s CPU (%.2f%% of a core)%s; the whole JVM %.3f s (%.2f%%)%n", wall,
          run.process().isAlive(), pages.stream().allMatch(Process::isAlive), serving,
          100 * serving / wall, line, p, 100 * p / wall);
      pages.forEach(Process::destroy);
    }
  }

  /**
   * CPU time per kind of thread: the polling thread, the HTTP server's (its dispatcher and the
   * carriers of the virtual threads that write the event streams), and every other (JIT, GC).
   */
  private static Map<String, Long> byKind(ThreadMXBean threads) {
    Map<String, Long> out = new TreeMap<>();
    for (long id : threads.getAllThreadIds()) {
      ThreadInfo info = threads.getThreadInfo(id);
      long cpu = threads.getThreadCpuTime(id);
      if (info == null || cpu < 0) {
        continue;
      }
      String name = info.getThreadName();
      String kind = name.equals("starmap-ui-watcher") ? "polling"
          : name.startsWith("HTTP-Dispatcher") || name.startsWith("ForkJoinPool-")
              ? "http" : "other";
      out.merge(kind, cpu, Long::sum);
    }
    return out;
  }
}

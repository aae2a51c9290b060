package io.starmap.ui;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What watching costs the server, run by hand: a calculation runs in another process for about
 * 90 s while two pages (the list and the calculation's page, as event streams) watch it; prints
 * the CPU time of the server's polling thread and of this whole JVM (server, streams and the
 * readers of the streams) over {@code SECONDS} seconds, as a share of one core.
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
      AtomicLong bytes = new AtomicLong();
      HttpClient http = HttpClient.newHttpClient();
      for (String path : new String[] {"/events/calcs", "/events/calc/" + run.calcId()}) {
        Thread.ofPlatform().daemon().start(() -> {
          try (InputStream in = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
              + server.port() + path)).header("Cookie", cookie).build(),
              HttpResponse.BodyHandlers.ofInputStream()).body()) {
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
              bytes.addAndGet(n);
            }
          } catch (Exception e) {
            System.err.println(path + ": " + e);
          }
        });
      }
      Thread.sleep(5000); // the streams' first events and the JIT's first work are not counted
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long watcher = watcherThread();
      var os = (com.sun.management.OperatingSystemMXBean)
          ManagementFactory.getOperatingSystemMXBean();
      long w0 = threads.getThreadCpuTime(watcher);
      long p0 = os.getProcessCpuTime();
      long b0 = bytes.get();
      long t0 = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      double wall = (System.nanoTime() - t0) / 1e9;
      double w = (threads.getThreadCpuTime(watcher) - w0) / 1e9;
      double p = (os.getProcessCpuTime() - p0) / 1e9;
      System.out.printf("over %.1f s of watching (run alive: %s): polling thread %.3f s CPU"
          + " (%.2f%% of a core); whole JVM %.3f s CPU (%.2f%% of a core); %d bytes pushed%n",
          wall, run.process().isAlive(), w, 100 * w / wall, p, 100 * p / wall,
          bytes.get() - b0);
    }
  }

  private static long watcherThread() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("starmap-ui-watcher")) {
        return t.threadId();
      }
    }
    throw new IllegalStateException("no starmap-ui-watcher thread");
  }
}

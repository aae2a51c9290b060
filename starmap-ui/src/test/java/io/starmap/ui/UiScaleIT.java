package io.starmap.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.starmap.core.Starmap;
import io.starmap.store.Calculation;
import io.starmap.store.CalculationStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A calculation of 100,000 tasks: its page's event stays small (the task stream merges tasks
 * narrower than a pixel, as the report does), arrives in seconds, and the page in a real browser
 * draws it and stays responsive.
 */
@Timeout(600)
class UiScaleIT {
  static final int TASKS = 100_000;

  @TempDir Path home;

  static long record(CalculationStore store, int tasks) {
    try (Calculation calc = store.start("test", tasks + " tiny tasks",
        Map.of("executor", "threads", "workers", "4"))) {
      Starmap.<Integer, Integer>builder("tiny", (x, ctx) -> x).executor("threads").workers(4)
          .recorder(calc).build().reduce(IntStream.range(0, tasks).boxed().toList(), 0,
              Integer::sum);
      calc.complete();
      return calc.id();
    }
  }

  /** The page draws the task stream within seconds, with a bounded number of bars. */
  private void inTheBrowser(UiServer server, long id) throws Exception {
    assumeTrue(Files.isExecutable(Chromium.BINARY), "chromium is not installed");
    try (Chromium chromium = new Chromium(Files.createTempDirectory(home, "profile"))) {
      Chromium.Tab tab = chromium.newTab();
      tab.navigate(server.url());
      long t0 = System.nanoTime();
      tab.navigate(URI.create(server.url().resolve("/calc/" + id).toString()));
      tab.waitFor("document.querySelectorAll('#timeline rect').length > 0",
          Duration.ofSeconds(60));
      double seconds = (System.nanoTime() - t0) / 1e9;
      int bars = Integer.parseInt(tab.eval("document.querySelectorAll('#timeline rect')"
          + ".length"));
      // the page still answers at once: a script run takes milliseconds, not seconds
      long t1 = System.nanoTime();
      tab.eval("document.getElementById('status').textContent");
      double answer = (System.nanoTime() - t1) / 1e9;
      System.out.printf("in Chromium: task stream of %d bars drawn %.2f s after navigating;"
          + " a script answered in %.3f s%n", bars, seconds, answer);
      assertThat(bars).isLessThan(10_000);
      assertThat(answer).isLessThan(1.0);
    }
  }

  @Test
  void aPageOf100000TasksStaysSmall() throws Exception {
    long id;
    try (CalculationStore store = CalculationStore.open(home)) {
      id = record(store, TASKS);
    }
    try (UiServer server = UiServer.start(home, InetAddress.getLoopbackAddress(), 0)) {
      String token = server.url().getQuery().substring("token=".length());
      HttpClient http = HttpClient.newHttpClient();
      long t0 = System.nanoTime();
      HttpResponse<java.io.InputStream> r = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/events/calc/" + id))
          .header("Cookie", "starmap_ui_" + server.port() + "=" + token).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      String data = null;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.startsWith("data: ")) {
            data = line;
            break;
          }
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertThat(data).isNotNull().contains("\"tasks\":" + TASKS);
      System.out.printf("calc of %d tasks: first event %d bytes after %.2f s%n", TASKS,
          data.length(), seconds);
      assertThat(data.length()).as("event bytes").isLessThan(400_000);
      assertThat(seconds).as("seconds to the first event").isLessThan(30);
      inTheBrowser(server, id);
    }
  }
}

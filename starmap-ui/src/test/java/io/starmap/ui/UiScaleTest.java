package io.starmap.ui;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A calculation of 100,000 tasks: its page's event stays small (the task stream merges tasks
 * narrower than a pixel, as the report does) and arrives in seconds.
 */
@Timeout(600)
class UiScaleTest {
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
    }
  }
}

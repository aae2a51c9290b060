package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.core.Starmap;
import io.starmap.store.Calculation;
import io.starmap.store.CalculationStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code starmap ui} as a user starts it, and {@code starmap show timeline --format trace}. */
@Timeout(180)
class UiCommandIT {
  @TempDir Path home;
  @RegisterExtension final TempHome useHome = TempHome.eachTest(() -> home);

  @Test
  void showTimelineWritesAChromeTrace() throws Exception {
    long id;
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("test", "traced", Map.of("workers", "2"))) {
      Starmap.<Integer, Integer>builder("work", (x, ctx) -> x).executor("threads").workers(2)
          .recorder(calc).build().reduce(IntStream.range(0, 17).boxed().toList(), 0,
              Integer::sum);
      calc.complete();
      id = calc.id();
    }
    Cli.Result r = Cli.run("show", "timeline", String.valueOf(id), "--format", "trace");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("{").contains("\"traceEvents\"")
        .contains("\"name\":\"thread_name\"");
    assertThat(r.out().split("\"ph\":\"X\"", -1)).hasSize(18);
    Path file = home.resolve("t.json");
    assertThat(Cli.run("show", "timeline", "last", "-o", file.toString()).code()).isZero();
    assertThat(Files.readString(file)).isEqualTo(r.out());
    Cli.Result table = Cli.run("show", "timeline", "last", "--format", "csv");
    assertThat(table.code()).isEqualTo(1);
    assertThat(table.err()).contains("--format trace");
  }

  @Test
  void uiPrintsItsUrlWithTheTokenAndServesUntilStopped() throws Exception {
    Process p = start("ui", "--port", "0");
    try {
      String line = firstLine(p.getInputStream(), "open ");
      assertThat(line).as("the URL line").matches("open http://127\\.0\\.0\\.1:\\d+/\\?token="
          + "[0-9a-f]{64}");
      URI url = URI.create(line.substring(5));
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> first = http.send(HttpRequest.newBuilder(url).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).isEqualTo(303);
      assertThat(first.headers().firstValue("Set-Cookie")).get().asString()
          .contains("HttpOnly").contains("SameSite=Strict");
      HttpResponse<String> none = http.send(HttpRequest.newBuilder(url.resolve("/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(p.isAlive()).isTrue();
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stopped by SIGTERM").isTrue();
    }
  }

  @Test
  void bindingAnotherAddressWarns() throws Exception {
    Process p = start("ui", "--bind", "0.0.0.0");
    try {
      assertThat(firstLine(p.getErrorStream(), "warning:")).contains("--bind 0.0.0.0")
          .contains("other machines");
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** The first line of {@code stream} that starts with {@code prefix}, or null at its end. */
  private static String firstLine(java.io.InputStream stream, String prefix)
      throws java.io.IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(stream,
        StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.startsWith(prefix)) {
      // the lines before it: the home's name, the JVM's own warnings
    }
    return line;
  }

  private Process start(String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx128m",
        "-Dstarmap.home=" + home, "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).start();
  }
}

package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.starmap.core.Starmap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The report in a real headless browser (Debian's chromium); skipped only when it is missing. */
@Timeout(300)
class HtmlReportIT {
  @TempDir Path home;

  static long recordVaried(CalculationStore store, String description) {
    try (Calculation calc = store.start("test", description,
        Map.of("executor", "threads", "workers", "3"))) {
      Starmap<Integer, Integer> smap = Starmap.<Integer, Integer>builder("sleep", (x, ctx) -> {
        try (var m = ctx.measure("nap")) {
          Thread.sleep(x % 7 == 0 ? 40 : 5 + x % 5);
          m.count(x);
        }
        try (var m = ctx.measure("allocate")) {
          byte[][] junk = new byte[20][];
          for (int i = 0; i < junk.length; i++) {
            junk[i] = new byte[10_000 * (1 + x % 3)];
          }
          m.count(junk.length);
        }
        return x;
      }).executor("threads").workers(3).recorder(calc).build();
      smap.reduce(IntStream.range(0, 120).boxed().toList(), 0, Integer::sum);
      Starmap<Integer, Integer> second = Starmap.<Integer, Integer>builder("check",
          (x, ctx) -> x).executor("threads").workers(3).recorder(calc).build();
      second.reduce(IntStream.range(0, 30).boxed().toList(), 0, Integer::sum);
      calc.complete();
      return calc.id();
    }
  }

  @Test
  void reportIsSelfContainedAndEscapesText() throws IOException {
    try (CalculationStore store = CalculationStore.open(home)) {
      long id = recordVaried(store, "<script>alert(1)</script> & more");
      Path out = home.resolve("report.html");
      long bytes = HtmlReport.write(store, id, out);
      String html = Files.readString(out);
      assertThat(bytes).isEqualTo(Files.size(out));
      assertThat(html).contains("<svg id=\"timeline-chart\"", "<svg id=\"histogram-chart\"",
          "<svg id=\"memory-chart\"", "<svg id=\"throughput-chart\"", "total sleep", "nap")
          .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more")
          .doesNotContain("<script").doesNotContain("<link").doesNotContain("@import")
          .doesNotContainPattern("(src|href)=\"(https?:)?//");
    }
  }

  @Test
  void chartsRenderInHeadlessChromiumWithoutConsoleErrors() throws Exception {
    Path chromium = Path.of("/usr/bin/chromium");
    assumeTrue(Files.isExecutable(chromium), "chromium is not installed");
    Path out;
    try (CalculationStore store = CalculationStore.open(home)) {
      long id = recordVaried(store, "report in a browser");
      out = home.resolve("report.html");
      HtmlReport.write(store, id, out);
    }
    Path profile = Files.createTempDirectory(home, "chromium-profile");
    List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
        "--dump-dom", out.toUri().toString()));
    Path stdout = home.resolve("dom.html");
    Path stderr = home.resolve("chromium.log");
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium ended").isTrue();
    String dom = Files.readString(stdout, StandardCharsets.UTF_8);
    String log = Files.readString(stderr, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(log).isZero();
    for (String chart : List.of("timeline", "histogram", "memory", "throughput")) {
      assertThat(dom).as(chart).containsPattern("<svg id=\"" + chart + "-chart\"[^>]*>");
    }
    assertThat(dom).contains("<rect").contains("<polyline").contains("total sleep");
    assertThat(log).doesNotContain("Uncaught").doesNotContain("ERROR:CONSOLE")
        .doesNotContainPattern("CONSOLE\\(\\d+\\)");
  }
}

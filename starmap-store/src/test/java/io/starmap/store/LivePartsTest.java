package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.core.Starmap;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a live page reads while a run executes: the run's expected size, the tasks ended per run,
 * the report's parts (the very charts of the report), and the timeline as a Chrome trace.
 */
@Timeout(120)
class LivePartsTest {
  @TempDir Path home;

  @Test
  void aRunningRunShowsItsExpectedSizeAndItsProgress() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("test", "live", Map.of("workers", "2"))) {
      Thread run = Thread.ofPlatform().start(() -> Starmap.<Integer, Integer>builder("gate",
          (x, ctx) -> {
            if (x >= 10) {
              release.await();
            }
            return x;
          }).executor("threads").workers(2).recorder(calc).build()
          .reduce(IntStream.range(0, 40).boxed().toList(), 0, Integer::sum));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      List<Views.RunProgress> progress = List.of();
      while (System.nanoTime() < deadline) {
        progress = store.views().progress(calc.id());
        if (!progress.isEmpty() && progress.get(0).done() >= 10) {
          break;
        }
        Thread.sleep(50);
      }
      assertThat(progress).singleElement().satisfies(p -> {
        assertThat(p.done()).isEqualTo(10);
        assertThat(p.failed()).isZero();
      });
      Views.RunRow running = store.views().runs(calc.id()).get(0);
      assertThat(running.stop()).isNull();
      assertThat(running.submitted()).as("expected while executing").isEqualTo(40);
      release.countDown();
      run.join();
      assertThat(store.views().progress(calc.id()).get(0).done()).isEqualTo(40);
      calc.complete();
    }
  }

  @Test
  void thePartsAreTheReportsChartsAndTheTraceHasEveryTask() {
    try (CalculationStore store = CalculationStore.open(home)) {
      long id = HtmlReportIT.recordVaried(store, "parts");
      CalcRecord c = store.get(id);
      List<Views.TaskRow> tasks = store.views().tasks(id, 0);
      String report = HtmlReport.render(store, id);
      String timeline = ReportParts.timeline(c, tasks);
      assertThat(timeline).startsWith("<svg id=\"timeline-chart\"").contains("<rect");
      assertThat(report).contains(timeline).contains(ReportParts.memory(c, tasks))
          .contains(ReportParts.tables(store, id));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(ChromeTrace.write(store, id, out)).isEqualTo(150);
      String trace = out.toString(StandardCharsets.UTF_8);
      assertThat(trace.split("\"ph\":\"X\"", -1)).hasSize(151);
      assertThat(trace).contains("\"name\":\"sleep\"", "\"name\":\"check\"",
          "\"name\":\"thread_name\"", "\"displayTimeUnit\":\"ms\"");
    }
  }
}

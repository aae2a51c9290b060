package io.starmap.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.starmap.store.CalcStatus;
import io.starmap.store.CalculationStore;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code starmap ui} in a real browser (Debian's headless Chromium, driven over the DevTools
 * protocol), watching calculations that run in other processes: rows appear and progress reaches
 * 100% without a reload, the task stream grows, an abort from the page stops a calculation, a
 * request without the token is refused. It leaves screenshots of both pages in {@code
 * target/screenshots}.
 */
@Timeout(300)
class UiBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path home;

  @Test
  void watchesCalculationsLiveAndAbortsOne() throws Exception {
    assumeTrue(Files.isExecutable(Chromium.BINARY), "chromium is not installed");
    Path shots = Path.of("target", "screenshots");
    Files.createDirectories(shots);
    try (UiServer server = UiServer.start(home, InetAddress.getLoopbackAddress(), 0);
         Chromium chromium = new Chromium(Files.createTempDirectory(home, "profile"))) {
      Chromium.Tab list = chromium.newTab();
      list.navigate(server.url());
      assertThat(list.eval("location.search")).as("the token left the address bar").isEmpty();
      list.waitFor("document.getElementById('conn').textContent === 'live'", WAIT);
      list.eval("window.notReloaded = 42");
      try (Child steady = Child.start(home, "prices 2026 <b>bold</b>", 120, 150, false);
           Child blocked = Child.start(home, "to be aborted from the page", 10, 20, true)) {
        String row = "document.getElementById('calc-" + steady.calcId() + "')";
        list.waitFor(row + " !== null", WAIT);
        assertThat(list.eval(row + ".textContent")).contains("prices 2026 <b>bold</b>");

        Chromium.Tab page = chromium.newTab();
        page.navigate(URI.create(server.url().resolve("/calc/" + steady.calcId())
            .toString()));
        page.waitFor("document.querySelectorAll('#timeline rect').length > 0", WAIT);
        int first = Integer.parseInt(page.eval("document.querySelectorAll('#timeline rect')"
            + ".length"));
        page.waitFor("document.querySelectorAll('#timeline rect').length > " + (first + 5),
            WAIT);
        page.waitFor("document.querySelector('#runs tbody td.progress') !== null", WAIT);
        page.screenshot(shots.resolve("ui-calc-running.png"));

        list.waitFor(row + ".querySelector('td.progress').textContent.includes('%')", WAIT);
        list.waitFor(row + ".querySelector('td.progress').textContent === '100%'", WAIT);
        assertThat(list.eval(row + ".dataset.status")).isEqualTo("complete");

        String victim = "document.getElementById('calc-" + blocked.calcId() + "')";
        list.waitFor(victim + " !== null && " + victim + ".dataset.status === 'executing'",
            WAIT);
        list.eval(victim + ".querySelector('button.act-abort').click()");
        list.waitFor(victim + ".querySelector('button.confirm-abort') !== null", WAIT);
        list.eval(victim + ".querySelector('button.confirm-abort').click()");
        list.waitFor("document.getElementById('calc-" + blocked.calcId()
            + "').dataset.status === 'aborted'", WAIT);
        assertThat(blocked.process().waitFor(60, TimeUnit.SECONDS)).as("aborted run ended")
            .isTrue();
        assertThat(list.eval("window.notReloaded")).isEqualTo("42");
        list.screenshot(shots.resolve("ui-calcs.png"));

        page.waitFor("document.getElementById('status').textContent === 'complete'", WAIT);
        page.waitFor("document.querySelector('#downloads a[href$=\"trace.json\"]') !== null",
            WAIT);
        assertThat(page.eval("fetch(document.querySelector('#downloads a[href$=\"trace.json\"]')"
            + ".href).then(r => r.json()).then(t => t.traceEvents.filter(e => e.ph === 'X')"
            + ".length)")).isEqualTo("120");
        assertThat(page.eval("fetch('/download/" + steady.calcId() + "/hdf5').then(r =>"
            + " r.status)")).isEqualTo("200");
        page.screenshot(shots.resolve("ui-calc.png"));
        assertThat(list.errors).as("errors in the list page").isEmpty();
        assertThat(page.errors).as("errors in the calculation page").isEmpty();
        assertThat(page.eval("fetch('/events/calcs', {credentials: 'omit'}).then(r =>"
            + " r.status)")).as("a request without the token").isEqualTo("401");
      }
      try (CalculationStore store = CalculationStore.open(home)) {
        assertThat(store.list(10, CalcStatus.ABORTED)).extracting(c -> c.description())
            .containsExactly("to be aborted from the page");
        assertThat(store.list(10, CalcStatus.COMPLETE)).hasSize(1);
      }
    }
  }
}

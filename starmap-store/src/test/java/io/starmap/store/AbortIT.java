package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Aborting a calculation that runs in another process, as {@code starmap calcs abort} does. */
@Timeout(120)
class AbortIT {
  @TempDir Path home;

  @Test
  void abortSignalsTheProcessWhichStillWritesItsDatastore() throws Exception {
    Process child = start(AbortTarget.class);
    try {
      long id = calcId(child);
      try (CalculationStore store = CalculationStore.open(home)) {
        assertThat(store.get(id).status()).isEqualTo(CalcStatus.EXECUTING);
        assertThat(store.get(id).pid()).isEqualTo(child.pid());
        CalculationStore.AbortResult r = store.abort(id);
        assertThat(r.marked()).isTrue();
        assertThat(r.signalled()).as(r.detail()).isTrue();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();
        CalcRecord c = store.get(id);
        assertThat(c.status()).isEqualTo(CalcStatus.ABORTED);
        assertThat(c.datastore()).isRegularFile();
        assertThat(c.sizeBytes()).isPositive();
        assertThat(store.views().tasks(id, 0)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(Datastore.read(c.datastore()).child("task_info").longs("task_no").length)
            .isGreaterThanOrEqualTo(3);
        assertThat(store.views().log(id)).extracting(Views.LogRow::message)
            .anyMatch(m -> m.startsWith("aborted by "))
            .anyMatch(m -> m.contains("terminated"));
      }
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aProcessEndedBySigtermWhoseMainThreadFailsMeanwhileIsRecordedAborted() throws Exception {
    Process child = start(FailAtExitTarget.class);
    try {
      long id = calcId(child);
      child.destroy(); // SIGTERM: the exit's end of the calculation and the main thread's race
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child ended").isTrue();
      try (CalculationStore store = CalculationStore.open(home)) {
        CalcRecord c = store.get(id);
        assertThat(c.status()).as("not failed: the failure came from the process ending")
            .isEqualTo(CalcStatus.ABORTED);
        assertThat(c.datastore()).isRegularFile();
        assertThat(c.sizeBytes()).isPositive();
      }
    } finally {
      child.destroyForcibly();
    }
  }

  /** Starts {@code main} in a JVM of its own on this test's home. */
  private Process start(Class<?> main) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(List.of(java.toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), main.getName(),
        home.toString())).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** The calculation's id, from the child's first line ({@code calc ID}). */
  private static long calcId(Process child) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("the child's first line").startsWith("calc ");
    return Long.parseLong(line.substring(5).strip());
  }
}

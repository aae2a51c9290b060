package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A run's first task in a JVM that is already ending (a Ctrl-C as an import starts). */
class LocalRunsAtExitIT {
  /** The child: exits at once, and its exit hook is the first to use the runs' registry. */
  public static final class FirstUseAtExit {
    private FirstUseAtExit() {}

    /** Prints what the first use did. */
    public static void main(String[] args) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          try (RunState s = LocalRuns.of("run-at-exit")) {
            System.out.println("state " + s.runId());
          }
        } catch (Throwable t) {
          System.out.println("failed " + t);
        }
      }));
      System.exit(0);
    }
  }

  @Test
  void aRunFirstSeenAsTheJvmEndsGetsItsStateInsteadOfAnInitializationError() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(List.of(java.toString(), "-cp",
        System.getProperty("java.class.path"), FirstUseAtExit.class.getName()))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("state run-at-exit").doesNotContain("failed");
  }
}

package io.starmap.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** The {@code starmap} program: parses, runs one command, exits 0 (ok), 1 (failure), 2 (usage). */
public final class Main {
  /**
   * How long a Ctrl-C or SIGTERM waits for an import to say how it ended: its exit's release
   * stops the embedded server under it, and then it fails within moments.
   */
  private static final long REPORT_WAIT_SECONDS = 3;

  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    ImportPrefetch.startIfImport(args);
    CountDownLatch ended = new CountDownLatch(1);
    if (args.length > 0 && args[0].equals("import")) {
      // Without it the JVM may halt, once the other exit hooks are done, before the import has
      // printed that it was interrupted and how to go on.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          ended.await(REPORT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "starmap-import-report"));
    }
    int rc;
    try {
      rc = run(args);
    } finally {
      ImportPrefetch.discard();
      ended.countDown();
    }
    System.exit(rc);
  }

  /** Runs the command line and returns its exit code (for tests). */
  public static int run(String... args) {
    return StarmapCommand.commandLine(args).execute(args);
  }
}

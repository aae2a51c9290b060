package io.starmap.cli;

import picocli.CommandLine;

/** The {@code starmap} program: parses, runs one command, exits 0 (ok), 1 (failure), 2 (usage). */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    ImportPrefetch.startIfImport(args);
    int rc;
    try {
      rc = run(args);
    } finally {
      ImportPrefetch.discard();
    }
    System.exit(rc);
  }

  /** Runs the command line and returns its exit code (for tests). */
  public static int run(String... args) {
    return StarmapCommand.commandLine(args).execute(args);
  }
}

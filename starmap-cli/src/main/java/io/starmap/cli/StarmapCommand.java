package io.starmap.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The top-level {@code starmap} command. Subcommands are registered in {@link #commandLine()};
 * each lives in its own class.
 */
@Command(
    name = "starmap",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Embarrassingly parallel work, instrumented from the inside.",
    subcommandsRepeatable = false)
public final class StarmapCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Shows stack traces of errors; also accepted after any subcommand. */
  @Option(names = "--verbose", description = "Show stack traces of errors.", scope =
      CommandLine.ScopeType.INHERIT)
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The configured command line, with every subcommand and the error handling of Starmap. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new StarmapCommand());
    for (Object sub : Commands.all()) {
      cl.addSubcommand(sub);
    }
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  /** Prints one line for an error, the stack trace only with {@code --verbose}; exit 1. */
  static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl,
        CommandLine.ParseResult parseResult) {
      PrintWriter err = cl.getErr();
      boolean verbose = parseResult.hasMatchedOption("--verbose")
          || parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
          || isVerbose(parseResult);
      if (ex instanceof UserException
          || ex instanceof io.starmap.importer.db.DatabaseUnavailableException) {
        err.println("starmap: " + ex.getMessage());
      } else {
        err.println("starmap: " + Errors.oneLine(ex));
      }
      if (verbose) {
        ex.printStackTrace(err);
      } else if (!(ex instanceof UserException
          || ex instanceof io.starmap.importer.db.DatabaseUnavailableException)) {
        err.println("(run with --verbose for the stack trace)");
      }
      err.flush();
      return ex instanceof UserException u ? u.exitCode() : 1;
    }

    private static boolean isVerbose(CommandLine.ParseResult pr) {
      CommandLine.ParseResult p = pr;
      while (p != null) {
        if (p.hasMatchedOption("--verbose")) {
          return true;
        }
        p = p.subcommand();
      }
      return false;
    }
  }
}

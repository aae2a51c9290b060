package io.starmap.cli;

import java.io.PrintWriter;
import java.util.List;
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
    return configure(Commands.all());
  }

  /**
   * The command line for running {@code args}: with only the subcommand they name, since picocli
   * builds the model of every registered command up front and that is most of the start-up time;
   * with none for a bare {@code --version}; with all of them otherwise ({@code --help}, no command,
   * or a misspelt one, for picocli's suggestions). It behaves as {@link #commandLine()} for {@code
   * args}.
   */
  public static CommandLine commandLine(String... args) {
    String name = null;
    for (String a : args) {
      if (!a.startsWith("-")) {
        name = a;
        break;
      }
    }
    if (name == null) {
      boolean versionOnly = args.length > 0;
      for (String a : args) {
        versionOnly &= a.equals("--version") || a.equals("-V") || a.equals("--verbose");
      }
      return versionOnly ? configure(List.of()) : commandLine();
    }
    for (Object sub : Commands.all()) {
      Command c = sub.getClass().getAnnotation(Command.class);
      if (c != null && (c.name().equals(name) || List.of(c.aliases()).contains(name))) {
        return configure(List.of(sub));
      }
    }
    return commandLine();
  }

  private static CommandLine configure(List<Object> subcommands) {
    CommandLine cl = new CommandLine(new StarmapCommand());
    for (Object sub : subcommands) {
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

package io.starmap.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code starmap} command line in-process and captures what it prints. */
final class Cli {
  private Cli() {}

  /** The exit code and the output of one run. */
  record Result(int code, String out, String err) {}

  /** Runs {@code args} as {@code bin/starmap} does (with only the subcommand they name). */
  static Result run(String... args) {
    CommandLine cl = StarmapCommand.commandLine(args);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs {@code starmap import --db URL args...} into the extension's database. */
  static Result importInto(io.starmap.importer.testing.PostgresExtension pg, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "import";
    all[1] = "--db";
    all[2] = pg.database().url().psqlUrl();
    System.arraycopy(args, 0, all, 3, args.length);
    return run(all);
  }
}

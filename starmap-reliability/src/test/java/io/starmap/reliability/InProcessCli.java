package io.starmap.reliability;

import io.starmap.cli.StarmapCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** The {@code starmap} command line run in this JVM against a given home, output captured. */
final class InProcessCli {
  /** The exit code and what was printed. */
  record Result(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  private InProcessCli() {}

  /** Runs {@code starmap ARGS} with {@code STARMAP_HOME} = {@code home}. */
  static synchronized Result run(Path home, String... args) {
    String before = System.getProperty("starmap.home");
    System.setProperty("starmap.home", home.toString());
    try {
      CommandLine cl = StarmapCommand.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(args);
      return new Result(code, out.toString(), err.toString());
    } finally {
      if (before == null) {
        System.clearProperty("starmap.home");
      } else {
        System.setProperty("starmap.home", before);
      }
    }
  }
}

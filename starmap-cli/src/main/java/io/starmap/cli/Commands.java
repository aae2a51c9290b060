package io.starmap.cli;

import java.util.List;

/**
 * Every subcommand of {@code starmap}, in the order {@code --help} lists them. Add one line per
 * command class.
 */
final class Commands {
  private Commands() {}

  static List<Object> all() {
    return List.of(
        // commands are added here, one per line
        new DbCommand(),
        new SqlCommand(),
        new CalcsCommand(),
        new ShowCommand(),
        new ReportCommand(),
        new UiCommand(),
        new ImportCommand(),
        new GenCommand(),
        new BenchCommand(),
        new WorkerCommand(),
        new WorkersCommand()
        );
  }
}

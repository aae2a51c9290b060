package io.starmap.cli;

import picocli.CommandLine.Option;

/** The {@code --format table|csv|json} option of every command that prints data. */
public final class FormatOption {
  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table, csv or json (default: ${DEFAULT-VALUE}).")
  Table.Format format;
}

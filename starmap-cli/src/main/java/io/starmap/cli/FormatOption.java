package io.starmap.cli;

import picocli.CommandLine.Option;

/** The {@code --format table|csv|json|xml} option of every command that prints data. */
public final class FormatOption {
  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table, csv, json or xml (default: ${DEFAULT-VALUE}).")
  Table.Format format;
}

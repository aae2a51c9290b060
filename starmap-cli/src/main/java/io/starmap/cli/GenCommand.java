package io.starmap.cli;

import io.starmap.importer.gen.PriceGenerator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code starmap gen}: generators of test data. */
@Command(name = "gen", description = "Generate test data sets.",
    subcommands = GenCommand.Prices.class, mixinStandardHelpOptions = true)
public final class GenCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code starmap gen prices DIR}: the talk's data set of security prices. */
  @Command(name = "prices", mixinStandardHelpOptions = true,
      description = {"Write the talk's data set: one CSV per business day (from "
          + "2015-07-06), rows code,date,value without a header; the same bytes for the same "
          + "options."})
  public static final class Prices implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Directory to write into (created).")
    Path dir;

    @Option(names = "--days", paramLabel = "N", defaultValue = "522",
        description = "Business days, one file each (default ${DEFAULT-VALUE}, about 2 years).")
    int days;

    @Option(names = "--securities", paramLabel = "N", defaultValue = "10000",
        description = "Securities: rows per day (default ${DEFAULT-VALUE}).")
    int securities;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
        description = "Seed of the values (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--files-per-day", paramLabel = "K", defaultValue = "1",
        description = "Split each day into K files (default ${DEFAULT-VALUE}).")
    int filesPerDay;

    @Option(names = "--single-file", description = "Write all rows into one file prices.csv.")
    boolean singleFile;

    @Option(names = "--workers", paramLabel = "N",
        description = "Files written at once (default: the number of cores).")
    Integer workers;

    @Mixin FormatOption formatOption;

    @Override
    public void run() {
      PriceGenerator gen;
      try {
        PriceGenerator.Builder b = PriceGenerator.builder().days(days).securities(securities)
            .seed(seed).filesPerDay(filesPerDay).singleFile(singleFile);
        if (workers != null) {
          b.workers(workers);
        }
        gen = b.build();
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage(), e, 2);
      }
      PriceGenerator.GenerationReport r;
      try {
        r = gen.writeTo(dir);
      } catch (java.io.UncheckedIOException e) {
        throw new UserException(e.getMessage(), e);
      }
      double s = r.elapsed().toNanos() / 1e9;
      PrintWriter out = spec.commandLine().getOut();
      Table.of("directory", "files", "rows", "MB", "seconds", "MB/s")
          .row(r.dir().toString(), r.files(), r.rows(), r.bytes() / 1e6, s,
              r.bytes() / 1e6 / Math.max(s, 1e-9))
          .view("gen").print(out, formatOption.format);
      if (formatOption.format == Table.Format.TABLE) {
        out.println(String.format(Locale.ROOT, "data set %s: %d bytes", gen.key(), r.bytes()));
        out.flush();
      }
    }
  }
}

package io.starmap.cli;

import io.starmap.core.internal.util.Bytes;
import io.starmap.store.CalculationStore;
import io.starmap.store.HtmlReport;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code starmap report}: a self-contained HTML page about one calculation. */
@Command(name = "report", description = "Write an HTML report of a calculation: task timeline,"
    + " durations, memory, throughput, performance. Opens offline.",
    mixinStandardHelpOptions = true)
final class ReportCommand extends StoreCommandBase {
  @Parameters(paramLabel = "ID", defaultValue = "last",
      description = "A number, last (default), or -N counting back from the last.")
  String id;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE.html",
      description = "Where to write the page (default: calc_<id>.html here).")
  Path output;

  @Override
  int run(CalculationStore store) {
    long calc = store.resolveId(id);
    Path file = output != null ? output : Path.of("calc_" + calc + ".html");
    long bytes = HtmlReport.write(store, calc, file);
    Table t = Table.of("calc", "report", "size");
    t.row(calc, file.toAbsolutePath().toString(), formatOption.format == Table.Format.TABLE
        ? Bytes.human(bytes) : (Object) bytes);
    print(t);
    return 0;
  }
}

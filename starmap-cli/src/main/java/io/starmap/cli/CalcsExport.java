package io.starmap.cli;

import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.store.CalcRecord;
import io.starmap.store.CalculationStore;
import io.starmap.store.Datastore;
import io.starmap.store.H5Group;
import io.starmap.store.H5Xml;
import io.starmap.store.XmlOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code starmap calcs export}: one calculation as one XML document, its record, every view and
 * the results in its datastore, written as it is read.
 */
@Command(name = "export", description = "Export a calculation as XML: its record, its views"
    + " and its stored results.", mixinStandardHelpOptions = true)
final class CalcsExport extends StoreCommandBase {
  @Parameters(paramLabel = "ID", defaultValue = "last",
      description = "A number, last (default), or -N counting back from the last.")
  String id;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE.xml",
      description = "Where to write it (default: standard output).")
  Path output;

  @Override
  int run(CalculationStore store) {
    if (formatOption.format != Table.Format.XML) {
      throw new UserException("a calculation is exported as XML: --format xml, not --format "
          + formatOption.format.name().toLowerCase(java.util.Locale.ROOT), null, 2);
    }
    long calc = store.resolveId(id);
    if (output == null) {
      export(store, calc, out());
      return 0;
    }
    try (Writer w = new BufferedWriter(new OutputStreamWriter(OwnerOnly.newOutputStream(output),
        StandardCharsets.UTF_8))) {
      export(store, calc, w);
    } catch (IOException | UncheckedIOException e) {
      throw new UserException("cannot write " + output + ": " + e.getMessage(), e);
    }
    err().println("calc " + calc + " exported to " + output);
    return 0;
  }

  private static void export(CalculationStore store, long calc, Writer out) {
    ViewTables tables = new ViewTables(store, Table.Format.XML);
    CalcRecord c = store.get(calc);
    try (XmlOutput xml = XmlOutput.to(out)) {
      xml.start("calculation", null).attribute("id", Long.toString(calc));
      tables.record(c).writeXml(xml);
      tables.performance(store.views().performance(calc)).writeXml(xml);
      tables.taskInfo(calc).writeXml(xml);
      tables.tasks(calc, 0).writeXml(xml);
      tables.transfer(calc).writeXml(xml);
      tables.runs(calc).writeXml(xml);
      tables.log(calc).writeXml(xml);
      xml.start("results", null);
      Path file = store.datastorePath(calc);
      if (Files.isRegularFile(file)) { // a running calculation has none yet
        H5Group root = Datastore.read(file);
        for (String g : Datastore.resultGroups(root)) {
          H5Xml.write(root.child(g), xml);
        }
      }
      xml.end().end();
    }
  }
}

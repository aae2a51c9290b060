package io.starmap.cli;

import io.starmap.store.CalculationStore;
import io.starmap.store.Datastore;
import io.starmap.store.H5Group;
import io.starmap.store.H5Table;
import io.starmap.store.H5Xml;
import io.starmap.store.XmlOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code starmap show results}: what a program stored with {@code calc.put}, read back. */
@Command(name = "results", description = "The results a calculation stored (calc.put): their"
    + " list, or with NAME that one, as a table, or any result with --format xml.",
    mixinStandardHelpOptions = true)
final class ShowResults extends StoreCommandBase {
  @Parameters(index = "0", paramLabel = "ID", defaultValue = "last",
      description = "A number, last (default), or -N counting back from the last.")
  String id;

  @Parameters(index = "1", paramLabel = "NAME", arity = "0..1",
      description = "The key it was stored under (results/summary), or its last part.")
  String name;

  @Override
  int run(CalculationStore store) {
    long calc = store.resolveId(id);
    Path file = store.datastorePath(calc);
    if (!Files.isRegularFile(file)) {
      throw new UserException("calculation " + calc + " has no datastore: it is written when"
          + " the calculation ends");
    }
    H5Group root = Datastore.read(file);
    List<String> keys = new ArrayList<>();
    for (String g : Datastore.resultGroups(root)) {
      keys(root.child(g), g, keys);
    }
    if (name == null) {
      Table t = Table.of("name", "class", "datasets");
      for (String k : keys) {
        H5Group g = root.child(k);
        t.row(k, g.has("__class__") ? g.attrString("__class__") : null, g.datasetNames().size());
      }
      print(t);
      return 0;
    }
    String key = keys.contains(name) ? name : keys.contains("results/" + name)
        ? "results/" + name : null;
    if (key == null) {
      throw new NoSuchElementException("calculation " + calc + " stored no result " + name
          + " (results: " + keys + ")");
    }
    H5Group group = root.child(key);
    if (formatOption.format == Table.Format.XML) {
      try (XmlOutput xml = XmlOutput.to(out())) {
        H5Xml.write(group, xml);
      }
      return 0;
    }
    print(table(group, key));
    return 0;
  }

  /** The groups that hold a stored object: those with datasets or attributes. */
  private static void keys(H5Group g, String key, List<String> out) {
    if (!g.datasetNames().isEmpty() || !g.attributes().isEmpty()) {
      out.add(key);
    }
    for (String child : g.groupNames()) {
      keys(g.child(child), key + "/" + child, out);
    }
  }

  private static Table table(H5Group group, String key) {
    H5Table h;
    try {
      h = H5Table.readFrom(group);
    } catch (IllegalArgumentException e) {
      throw new UserException("result " + key + " is not a table (" + e.getMessage()
          + "): --format xml prints any result", e);
    }
    if (h.columns().isEmpty()) {
      throw new UserException("result " + key + " has no columns: --format xml prints any"
          + " result");
    }
    List<String> columns = List.copyOf(h.columns().keySet());
    Table t = new Table(columns).view(key);
    for (int r = 0; r < h.rows(); r++) {
      Object[] row = new Object[columns.size()];
      for (int c = 0; c < row.length; c++) {
        row[c] = switch (h.columns().get(columns.get(c))) {
          case long[] a -> a[r];
          case double[] a -> a[r];
          case String[] a -> a[r];
          default -> throw new IllegalStateException("unreachable");
        };
      }
      t.row(row);
    }
    return t;
  }
}

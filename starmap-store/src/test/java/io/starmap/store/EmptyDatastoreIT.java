package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A calculation that fails before any run still leaves a datastore that readers can open. */
class EmptyDatastoreIT {
  @TempDir Path home;

  @Test
  void calculationWithoutRunsHasAReadableDatastore() {
    Path datastore;
    try (CalculationStore store = CalculationStore.open(home);
        Calculation calc = store.start("import", "fails before its run", Map.of())) {
      datastore = calc.datastorePath();
      calc.fail(new IllegalStateException("database unreachable"));
    }
    assertThat(Files.exists(datastore)).isTrue();
    H5Group root = Datastore.read(datastore);
    assertThat(root.group("task_info").rawDatasets()).containsKey("duration")
        .doesNotContainKey("__empty__");
    assertThat(root.group("log").rawDatasets()).containsKey("message");
    // The file is valid HDF5 for other readers too, when Debian's h5py is installed.
    Path python = Path.of("/usr/bin/python3");
    if (Files.isExecutable(python)) {
      try {
        Process p = new ProcessBuilder(python.toString(), "-c",
            "import h5py,sys; f=h5py.File(sys.argv[1]); f.visititems(lambda n,o: None);"
                + " print(len(f['log/message']))", datastore.toString())
            .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() == 0 || !out.contains("No module named")) {
          assertThat(out).endsWith("1");
        }
      } catch (java.io.IOException | InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}

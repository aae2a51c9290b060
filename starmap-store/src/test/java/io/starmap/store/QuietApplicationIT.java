package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application that records calculations prints nothing but its own output: no SLF4J notice from
 * jhdf when the application has no SLF4J provider, and on JDK 24+ no native-access warning from
 * sqlite-jdbc with the documented {@code --enable-native-access=ALL-UNNAMED}.
 */
@Timeout(120)
class QuietApplicationIT {
  @TempDir Path home;

  @Test
  void anApplicationWithoutAnSlf4jProviderPrintsOnlyItsOwnOutput() throws Exception {
    // The store's own tests have slf4j-nop; a consumer of the store does not.
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("slf4j-nop"))
        .collect(Collectors.joining(File.pathSeparator));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", classPath,
        QuietApplication.class.getName(), home.toString()));
    Path out = home.resolve("out.txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
        .start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    String printed = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(printed).isZero();
    assertThat(printed.strip()).as("all that the application printed").matches("calc \\d+ sum 14");
    try (var files = Files.list(home)) {
      assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".hdf5"));
    }
  }
}

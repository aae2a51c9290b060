package io.starmap.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker JVM gets the native access its master was given: a task's library that loads a native
 * library of its own (zstd-jni in the importer) would otherwise make the JDK print a warning in
 * every worker, on the module path, where the worker's own flag names only Starmap's module.
 */
@Timeout(120)
class NativeAccessFlagIT {

  @Test
  void theMastersNativeAccessFlagsReachTheWorker() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("--enable-native-access=jdk.jfr"); // any module of the JDK: always there
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(NativeAccessMaster.class.getName());
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.environment().remove("CLASSPATH");
    Process master = b.start();
    try {
      String out = new String(master.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(master.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(master.exitValue()).as(out).isZero();
      String worker = out.substring(out.indexOf("WORKER\n") + 7);
      assertThat(worker.lines()).as(out).contains("--enable-native-access=jdk.jfr");
      assertThat(out).as("nothing about native access printed").doesNotContain("WARNING");
    } finally {
      master.destroyForcibly();
    }
  }
}

package io.starmap.ui;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link LiveRun} in a JVM of its own, and the id of its calculation. */
record Child(Process process, long calcId) implements AutoCloseable {
  static Child start(Path home, String description, int tasks, long sleepMs, boolean block)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-cp",
        System.getProperty("java.class.path"), LiveRun.class.getName(), home.toString(),
        description, String.valueOf(tasks), String.valueOf(sleepMs)));
    if (block) {
      cmd.add("block");
    }
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8)).readLine();
    if (line == null || !line.startsWith("calc ")) {
      p.destroyForcibly();
      throw new IllegalStateException("the child's first line: " + line);
    }
    return new Child(p, Long.parseLong(line.substring(5).strip()));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}

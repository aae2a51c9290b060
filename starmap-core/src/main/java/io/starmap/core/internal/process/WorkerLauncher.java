package io.starmap.core.internal.process;

import io.starmap.core.internal.Host;
import io.starmap.core.internal.util.OwnerOnly;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts worker JVMs, and reaps them when the pool stops: their command line, their class path
 * (in the environment, or in an owner-only @argfile when too long for it), the port and token
 * they connect with, and the thread that logs their output. It holds no lock and touches no
 * state of the pool but the worker's @argfile, output thread and output lines.
 */
final class WorkerLauncher {
  private static final System.Logger LOG = System.getLogger("io.starmap.processes");
  private static final System.Logger OUTPUT = System.getLogger("io.starmap.worker");
  static final String ENV_CLASS_PATH_MAX = "starmap.processes.envClassPathMax";

  private final PoolConfig config;
  /** Where the workers find the code: this JVM's paths. */
  private final WorkerPaths paths = WorkerPaths.ofThisJvm();
  /** The @argfile's content, for paths that cannot travel in the environment; else null. */
  private final String argFileContent;
  private final List<String> commandPrefix;

  WorkerLauncher(PoolConfig config) {
    this.config = config;
    this.argFileContent = paths.inEnvironment(envClassPathMax()) ? null : paths.argFileContent();
    this.commandPrefix = prefix(config, paths);
  }

  /** The command line shared by every worker, for messages. */
  String commandPrefix() {
    return String.join(" ", commandPrefix);
  }

  /**
   * The longest class path passed in the workers' environment ({@code CLASSPATH}, which only
   * their owner can read in /proc, and which leaves no file behind whenever the master dies):
   * within what every platform allows one variable (32 K characters on Windows, 128 KB on Linux).
   * A longer one goes in an @argfile. The system property {@value #ENV_CLASS_PATH_MAX} changes it
   * (tests use it to take the @argfile's way).
   */
  private static int envClassPathMax() {
    return Integer.getInteger(ENV_CLASS_PATH_MAX, 30_000);
  }

  private static List<String> prefix(PoolConfig config, WorkerPaths paths) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    if (Runtime.version().feature() >= 22) {
      cmd.add(paths.nativeAccess()); // for prctl, without a warning
    }
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Module flags change what the code may do; other flags (agents, ports) must not be copied.
      // Native access too: a task's library may load its own (the importer's zstd decoder), and
      // the JDK warns in the worker unless its module has native access there as well.
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")
          || arg.startsWith("--add-reads") || arg.startsWith("--add-modules")
          || arg.startsWith("--enable-native-access") || arg.equals("--enable-preview")) {
        cmd.add(arg);
      }
    }
    // One task at a time per worker: the serial collector is the leanest, unless the user chose.
    if (config.jvmOptions().stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
      cmd.add("-XX:+UseSerialGC");
    }
    cmd.addAll(config.jvmOptions());
    return cmd;
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .filter(c -> c.endsWith("java") || c.endsWith("java.exe"))
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The command that starts {@code w}'s JVM. */
  List<String> command(Worker w) {
    List<String> cmd = new ArrayList<>(commandPrefix);
    // The marker comes first among the properties so that ps and /proc show it plainly.
    cmd.add(1, "-Dstarmap.worker=" + Host.PID + "." + w.name);
    cmd.addAll(paths.mainClass());
    cmd.add(w.name);
    cmd.add(String.valueOf(Host.PID));
    cmd.add(config.codec());
    cmd.add(String.valueOf(config.memoryLimitBytes()));
    cmd.add(Codecs.joinRules(config.allowedPackages()));
    return cmd;
  }

  /**
   * Starts {@code w}'s JVM with {@code cmd} and tells it, through its stdin, the {@code port} to
   * connect to and its token; on a failure, deletes the @argfile it may have written.
   */
  Process start(Worker w, List<String> cmd, int port) throws IOException {
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
      if (argFileContent == null) {
        builder.environment().put("CLASSPATH", paths.classPath());
      } else {
        builder.environment().remove("CLASSPATH"); // the @argfile says it all
        w.argFile = writeArgFile();
        // The @argfile goes last among the launcher's options: before the main class. The
        // worker deletes it as it starts, which a master killed meanwhile cannot do.
        cmd.add(commandPrefix.size() + 1, "-D" + WorkerMain.ARG_FILE_PROPERTY + "=" + w.argFile);
        cmd.add(commandPrefix.size() + 2, "@" + w.argFile);
      }
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      deleteArgFile(w);
      throw e;
    }
    try {
      OutputStream stdin = process.getOutputStream();
      // The port and token go through the pipe, never the command line that ps shows.
      stdin.write((port + " " + w.token + "\n").getBytes(StandardCharsets.US_ASCII));
      stdin.flush(); // and stdin stays open: its end tells the worker that the master died
    } catch (IOException e) {
      // A JVM that exits at once (a bad option) closes the pipe first: its exit code and output,
      // reported when it has died, say why better than "Broken pipe".
    }
    return process;
  }

  /**
   * One @argfile per worker JVM, for a class path too long for the environment; owner-only from
   * its creation (it names the class path, which may say where the user's code lives). The worker
   * deletes it as it starts, and the master once the worker has connected or died, not at the
   * master's exit: a master killed with SIGKILL runs no exit hook, and left one per run.
   */
  private Path writeArgFile() throws IOException {
    Path file = Files.createTempFile("starmap-worker-", ".args", OwnerOnly.fileAttributes());
    try {
      Files.writeString(file, argFileContent, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    return file;
  }

  /** Deletes the worker's @argfile if it still exists; a failure only costs a temporary file. */
  static void deleteArgFile(Worker w) {
    Path file = w.argFile;
    if (file != null) {
      w.argFile = null;
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.log(Level.DEBUG, () -> "cannot delete " + file + ": " + e.getMessage());
      }
    }
  }

  /** Starts the thread that logs {@code w}'s output and keeps its last lines. */
  static void drainOutput(Worker w, Process process) {
    Thread drain = new Thread(() -> drain(w, process.getInputStream()),
        "starmap-" + w.name + "-output");
    drain.setDaemon(true);
    w.drain = drain;
    drain.start();
  }

  private static void drain(Worker w, InputStream output) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        w.keepOutput(line);
        String text = line;
        OUTPUT.log(Level.INFO, () -> "[" + w.name + " pid " + w.pid + "] " + text);
      }
    } catch (IOException e) {
      // the worker is gone; its death is handled by its exit
    }
  }

  /** Waits up to 2 s in all for {@code processes} to exit, then kills the rest. */
  static void reap(List<Process> processes) {
    long deadline = System.nanoTime() + 2_000_000_000L;
    for (Process p : processes) {
      try {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}

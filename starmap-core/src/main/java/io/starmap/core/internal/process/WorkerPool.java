package io.starmap.core.internal.process;

import io.starmap.core.StarmapException;
import io.starmap.core.Task;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.WorkerLostException;
import io.starmap.core.internal.Host;
import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.core.processes.ProcessPools;
import io.starmap.core.spi.Codec;
import io.starmap.core.spi.TaskExecutor.ReplySink;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * N worker JVMs on the master's class path, started before any task and kept for the next runs.
 * Tasks go to the ready worker with the fewest in flight, up to {@code pipelineDepth} each; the
 * rest wait in the pool. One lock guards all the pool's state. Frames are queued per worker under
 * it, in the order the worker will run them (so the master always knows which task a worker runs),
 * and written to the sockets outside it.
 */
final class WorkerPool {
  private static final System.Logger LOG = System.getLogger("io.starmap.processes");
  private static final System.Logger OUTPUT = System.getLogger("io.starmap.worker");
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int OUTPUT_LINES_KEPT = 20;
  private static final int MAX_START_FAILURES = 3;
  private static final long DRAIN_MILLIS = 2_000;
  private static final long STEAL_AFTER_NANOS = 5_000_000;
  static final String ENV_CLASS_PATH_MAX = "starmap.processes.envClassPathMax";
  static final ExecutorService HOUSEKEEPING = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "starmap-processes-housekeeping");
    t.setDaemon(true);
    return t;
  });
  static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "starmap-processes-timer");
    t.setDaemon(true);
    return t;
  });

  enum State { STARTING, READY, DRAINING, RETIRING, DEAD }

  /** A frame other than a task: CANCEL, REVOKE seq, STOP, FORGET definition. */
  private record Control(byte type, long arg) {}

  /** A task function sent once per worker, then named by its id. */
  private record Definition(long id, String runId, String taskName, byte[] bytes) {}

  private record DefinitionKey(Task<?, ?> task, String runId, String taskName) {}

  /** A task on its way: waiting in the pool or sent to a worker. */
  private static final class Outgoing {
    final long seq;
    final String taskName;
    final long taskNo;
    final double weight;
    final Definition definition;
    final byte[] args;
    final ReplySink sink;
    boolean cancelled;
    boolean revoking;

    Outgoing(long seq, TaskRequest<?, ?> request, Definition definition, byte[] args,
        ReplySink sink) {
      this.seq = seq;
      this.taskName = request.taskName();
      this.taskNo = request.taskNo();
      this.weight = request.weight();
      this.definition = definition;
      this.args = args;
      this.sink = sink;
    }

    String label() {
      return taskName + "#" + taskNo;
    }
  }

  /** The master's side of one worker JVM. */
  final class Worker {
    final String name;
    final String token = HexFormat.of().formatHex(randomBytes());
    final long spawnNanos = System.nanoTime();
    final LinkedHashMap<Long, Outgoing> outstanding = new LinkedHashMap<>();
    /** Frames to write, in order; appended under the pool's lock, written under writeLock. */
    final ConcurrentLinkedQueue<Object> toSend = new ConcurrentLinkedQueue<>();
    final ReentrantLock writeLock = new ReentrantLock();
    /** Definitions this worker holds; only touched under writeLock. */
    final Set<Long> defined = new HashSet<>();
    final ArrayDeque<String> lastLines = new ArrayDeque<>();
    State state = State.STARTING;
    Process process;
    long pid = -1;
    long startNanos;
    long mainNanos;
    Socket socket;
    volatile DataOutputStream out;
    Thread reader;
    Thread drain;
    int allowVersionSent;
    int sent;
    int cancelsSent;
    int drainsReceived;
    long lastProgressNanos;
    boolean planned;
    boolean replacementStarted;
    boolean stopQueued;
    String startFailure;
    /** Its launcher's @argfile, deleted once the JVM has read it (it connects) or has died. */
    volatile Path argFile;

    Worker(String name) {
      this.name = name;
    }

    String describe() {
      return "worker " + name + " (pid " + pid + ")";
    }

    String lastOutput() {
      synchronized (lastLines) {
        return lastLines.isEmpty() ? "" : "; its last output: " + String.join(" | ", lastLines);
      }
    }
  }

  final PoolConfig config;
  final String id;
  private final Codec codec;
  private final ServerSocket server;
  /** Where the workers find the code: this JVM's paths. */
  private final WorkerPaths paths = WorkerPaths.ofThisJvm();
  /** The @argfile's content, for paths that cannot travel in the environment; else null. */
  private final String argFileContent;
  private final List<String> commandPrefix;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  private final Map<String, Worker> byToken = new HashMap<>();
  private final ArrayDeque<Outgoing> pending = new ArrayDeque<>();
  private final Map<DefinitionKey, Definition> definitions = new HashMap<>();
  private final List<Duration> startTimes = new ArrayList<>();
  private long nextSeq;
  private long nextDefinition;
  private int nextWorker;
  private volatile int allowVersion;
  private int startFailures;
  private long tasksRun;
  private int replaced;
  private boolean closed;
  private boolean stealScheduled;
  private String lastStartFailure;
  private Duration poolStartTime = Duration.ZERO;

  private WorkerPool(PoolConfig config) throws IOException {
    this.config = config;
    this.id = "p" + POOLS.incrementAndGet();
    this.codec = Codecs.create(config.codec(), config.allowedPackages());
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.argFileContent = paths.inEnvironment(envClassPathMax()) ? null : paths.argFileContent();
    this.commandPrefix = command(config, paths);
  }

  /** Starts a pool and waits until every worker is ready, or fails naming what went wrong. */
  static WorkerPool start(PoolConfig config) {
    WorkerPool pool;
    try {
      pool = new WorkerPool(config);
    } catch (IOException e) {
      throw new StarmapException("cannot prepare the processes executor: " + e.getMessage(), e);
    }
    pool.startWorkers();
    return pool;
  }

  private void startWorkers() {
    long t0 = System.nanoTime();
    Thread acceptor = new Thread(this::accept, "starmap-" + id + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    synchronized (this) {
      for (int i = 0; i < config.workers(); i++) {
        spawnLocked();
      }
      long deadline = System.nanoTime() + config.startTimeout().toNanos() + 5_000_000_000L;
      while (true) {
        long ready = workers.stream().filter(w -> w.state == State.READY).count();
        if (ready == config.workers()) {
          break;
        }
        if (startFailures > 0 || closed || System.nanoTime() > deadline) {
          String why = workers.stream().map(w -> w.startFailure).filter(s -> s != null)
              .findFirst().orElse(lastStartFailure != null ? lastStartFailure
                  : "timed out after " + config.startTimeout().toSeconds() + " s");
          List<Process> started = stopLocked();
          HOUSEKEEPING.execute(() -> reap(started));
          throw new StarmapException("the processes executor could not start " + config.workers()
              + " worker JVMs: " + why + " (command: " + String.join(" ", commandPrefix) + ")");
        }
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          List<Process> started = stopLocked();
          HOUSEKEEPING.execute(() -> reap(started));
          throw new StarmapException("interrupted while starting worker JVMs", e);
        }
      }
      poolStartTime = Duration.ofNanos(System.nanoTime() - t0);
    }
    long slowest = 0;
    long slowestMain = 0;
    synchronized (this) {
      for (Worker w : workers) {
        if (w.startNanos > slowest) {
          slowest = w.startNanos;
          slowestMain = w.mainNanos;
        }
      }
    }
    long jvmMillis = (slowest - slowestMain) / 1_000_000;
    long mainMillis = slowestMain / 1_000_000;
    // DEBUG: the CLI shows INFO on the terminal; the figures are also in ProcessPools.pools().
    LOG.log(Level.DEBUG, () -> String.format(java.util.Locale.ROOT,
        "pool %s: %d worker JVMs ready in %d ms (pids %s; the slowest worker took %d ms to"
            + " reach its main and %d ms in it to warm up and connect)", id, config.workers(),
        poolStartTime.toMillis(), pids(), jvmMillis, mainMillis));
  }


  // ---- starting workers

  private static byte[] randomBytes() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return b;
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
  private static void deleteArgFile(Worker w) {
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

  private static List<String> command(PoolConfig config, WorkerPaths paths) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    if (Runtime.version().feature() >= 22) {
      cmd.add(paths.nativeAccess()); // for prctl, without a warning
    }
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // Module flags change what the code may do; other flags (agents, ports) must not be copied.
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")
          || arg.startsWith("--add-reads") || arg.startsWith("--add-modules")
          || arg.equals("--enable-preview")) {
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

  /** Registers a new worker and asks the launcher thread to start its JVM. */
  private void spawnLocked() {
    Worker w = new Worker(id + "." + (++nextWorker));
    workers.add(w);
    byToken.put(w.token, w);
    List<String> cmd = new ArrayList<>(commandPrefix);
    // The marker comes first among the properties so that ps and /proc show it plainly.
    cmd.add(1, "-Dstarmap.worker=" + Host.PID + "." + w.name);
    cmd.addAll(paths.mainClass());
    cmd.add(w.name);
    cmd.add(String.valueOf(Host.PID));
    cmd.add(config.codec());
    cmd.add(String.valueOf(config.memoryLimitBytes()));
    cmd.add(Codecs.joinRules(config.allowedPackages()));
    Launcher.execute(() -> launch(w, cmd));
  }

  private void launch(Worker w, List<String> cmd) {
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
      synchronized (this) {
        w.startFailure = "cannot run " + cmd.get(0) + ": " + e.getMessage();
        lastStartFailure = w.startFailure;
        startFailures++;
        removeLocked(w);
        notifyAll();
      }
      return;
    }
    try {
      OutputStream stdin = process.getOutputStream();
      // The port and token go through the pipe, never the command line that ps shows.
      stdin.write((server.getLocalPort() + " " + w.token + "\n")
          .getBytes(StandardCharsets.US_ASCII));
      stdin.flush(); // and stdin stays open: its end tells the worker that the master died
    } catch (IOException e) {
      // A JVM that exits at once (a bad option) closes the pipe first: its exit code and output,
      // reported when it has died, say why better than "Broken pipe".
    }
    synchronized (this) {
      w.process = process;
      w.pid = process.pid();
      if (closed) {
        process.destroyForcibly();
      }
    }
    Thread drain = new Thread(() -> drainOutput(w, process.getInputStream()),
        "starmap-" + w.name + "-output");
    drain.setDaemon(true);
    w.drain = drain;
    drain.start();
    process.onExit().thenRunAsync(() -> died(w), HOUSEKEEPING);
    TIMER.schedule(() -> {
      synchronized (this) {
        if (w.state == State.STARTING) {
          w.startFailure = w.describe() + " did not connect within "
              + config.startTimeout().toSeconds() + " s" + w.lastOutput();
          process.destroyForcibly();
        }
      }
    }, config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void drainOutput(Worker w, InputStream output) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        synchronized (w.lastLines) {
          if (w.lastLines.size() == OUTPUT_LINES_KEPT) {
            w.lastLines.removeFirst();
          }
          w.lastLines.addLast(line);
        }
        String text = line;
        OUTPUT.log(Level.INFO, () -> "[" + w.name + " pid " + w.pid + "] " + text);
      }
    } catch (IOException e) {
      // the worker is gone; its death is handled by its exit
    }
  }

  private void accept() {
    while (true) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // the pool is stopped
      }
      Thread.ofVirtual().name("starmap-" + id + "-handshake").start(() -> handshake(socket));
    }
  }

  private void handshake(Socket socket) {
    try {
      socket.setSoTimeout(10_000);
      socket.setTcpNoDelay(true);
      InputStream raw = socket.getInputStream();
      StringBuilder token = new StringBuilder();
      int c;
      while ((c = raw.read()) >= 0 && c != '\n' && token.length() < 64) {
        token.append((char) c);
      }
      Worker w;
      synchronized (this) {
        w = byToken.remove(token.toString());
      }
      if (w == null) {
        socket.close(); // not one of ours
        return;
      }
      deleteArgFile(w); // its JVM runs its main: the launcher has read the file
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
      if (in.readByte() != Wire.HELLO) {
        throw new IOException("expected HELLO from " + w.name);
      }
      in.readLong(); // the worker's pid, known already
      long mainNanos = in.readLong(); // time in the worker's main: handshake and warm-up
      socket.setSoTimeout(0);
      synchronized (this) {
        if (w.state != State.STARTING || closed) {
          socket.close();
          return;
        }
        w.socket = socket;
        w.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        w.startNanos = System.nanoTime() - w.spawnNanos;
        w.mainNanos = mainNanos;
        startTimes.add(Duration.ofNanos(w.startNanos));
        w.state = State.READY;
        startFailures = 0;
        Thread reader = new Thread(() -> read(w, in), "starmap-" + w.name + "-reader");
        reader.setDaemon(true);
        w.reader = reader;
        reader.start();
        assignLocked();
        notifyAll();
      }
      flushAll();
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
    }
  }

  // ---- tasks

  /** Sends {@code request} now or queues it; fails at once if it cannot be serialized. */
  void submit(TaskRequest<?, ?> request, ReplySink sink) {
    Definition definition = definition(request);
    byte[] args;
    try {
      args = codec.encode(request.args());
    } catch (IllegalArgumentException e) {
      throw new StarmapException("the argument of task " + request.taskName() + "#"
          + request.taskNo() + " (a " + typeOf(request.args()) + ") cannot be sent to a worker"
          + " process: " + e.getMessage(), e);
    }
    synchronized (this) {
      if (closed) {
        throw new StarmapException("cannot run task " + request.taskName() + "#"
            + request.taskNo() + ": the processes pool " + id + " is stopped");
      }
      pending.addLast(new Outgoing(nextSeq++, request, definition, args, sink));
      assignLocked();
      if (!pending.isEmpty() && liveWorkers() == 0) {
        failPendingLocked("no worker is left in pool " + id);
      }
    }
    flushAll();
  }

  private static String typeOf(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }

  private Definition definition(TaskRequest<?, ?> request) {
    DefinitionKey key = new DefinitionKey(request.task(), request.runId(), request.taskName());
    synchronized (this) {
      Definition d = definitions.get(key);
      if (d != null) {
        return d;
      }
    }
    if (codec instanceof JavaSerializationCodec java) {
      // The task's own package is trusted: the user wrote it and it runs on both sides.
      List<String> before = java.rules();
      java.allow(AllowList.packageRule(request.task().getClass()));
      if (!before.equals(java.rules())) {
        synchronized (this) {
          allowVersion++;
        }
      }
    }
    byte[] bytes;
    try {
      bytes = codec.encode(request.task());
    } catch (IllegalArgumentException e) {
      throw new StarmapException("the function of task " + request.taskName() + " (a "
          + request.task().getClass().getName() + ") cannot be sent to a worker process: "
          + e.getMessage() + "; a lambda is sent with everything it captures", e);
    }
    synchronized (this) {
      return definitions.computeIfAbsent(key, k -> new Definition(nextDefinition++,
          request.runId(), request.taskName(), bytes));
    }
  }

  private int liveWorkers() {
    int n = 0;
    for (Worker w : workers) {
      if (w.state != State.DEAD) {
        n++;
      }
    }
    return n;
  }

  /** Sends waiting tasks to ready workers, fewest in flight first. */
  private void assignLocked() {
    while (!pending.isEmpty()) {
      Worker best = null;
      for (Worker w : workers) {
        if (w.state == State.READY && w.outstanding.size() < config.pipelineDepth()
            && (best == null || w.outstanding.size() < best.outstanding.size())) {
          best = w;
        }
      }
      if (best == null) {
        return;
      }
      sendLocked(best, pending.pollFirst());
    }
    stealLocked();
  }

  /**
   * Pipelining queues tasks behind a running one; when that one runs long while another worker
   * is idle, the queued tasks are taken back (if they have not started) and sent to the idle
   * worker, so that a long task never holds up short ones.
   */
  private void stealLocked() {
    boolean idle = false;
    for (Worker w : workers) {
      if (w.state == State.READY && w.outstanding.isEmpty()) {
        idle = true;
        break;
      }
    }
    if (!idle || closed) {
      return;
    }
    long now = System.nanoTime();
    boolean later = false;
    for (Worker v : workers) {
      if (v.state != State.READY || v.outstanding.size() < 2) {
        continue;
      }
      if (now - v.lastProgressNanos < STEAL_AFTER_NANOS) {
        later = true;
        continue;
      }
      Outgoing victim = null;
      for (Outgoing t : v.outstanding.values()) {
        victim = t; // the last one sent: the least likely to have started
      }
      if (victim == null || victim.revoking || victim.cancelled) {
        continue;
      }
      victim.revoking = true;
      v.toSend.add(new Control(Wire.REVOKE, victim.seq));
    }
    if (later && !stealScheduled) {
      stealScheduled = true;
      TIMER.schedule(() -> {
        synchronized (this) {
          stealScheduled = false;
          stealLocked();
        }
        flushAll();
      }, STEAL_AFTER_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  private void sendLocked(Worker w, Outgoing t) {
    if (w.outstanding.isEmpty()) {
      w.lastProgressNanos = System.nanoTime(); // it starts this task now
    }
    w.outstanding.put(t.seq, t);
    w.sent++;
    w.toSend.add(t);
    if (config.maxTasksPerWorker() > 0 && w.sent >= config.maxTasksPerWorker()) {
      w.state = State.RETIRING;
      w.planned = true;
      replaceLocked(w);
    }
  }

  /**
   * Writes the frames queued for {@code w}, outside the pool's lock (socket writes are system
   * calls: the lock is never held across them). Whoever holds the worker's write lock writes the
   * frames queued meanwhile; the re-check after unlocking makes sure none is left behind.
   */
  private void flush(Worker w) {
    while (!w.toSend.isEmpty() && w.out != null) {
      if (!w.writeLock.tryLock()) {
        return;
      }
      try {
        DataOutputStream out = w.out;
        Object frame;
        while ((frame = w.toSend.poll()) != null) {
          write(w, out, frame);
        }
        out.flush();
      } catch (IOException e) {
        // The worker is dying: its exit hands its tasks back or reports the one it ran as lost.
        w.toSend.clear();
        Process p = w.process;
        if (p != null) {
          p.destroyForcibly();
        }
        return;
      } finally {
        w.writeLock.unlock();
      }
    }
  }

  /** {@link #flush} of every worker with frames waiting. */
  private void flushAll() {
    for (Worker w : workers) {
      if (!w.toSend.isEmpty()) {
        flush(w);
      }
    }
  }

  private void write(Worker w, DataOutputStream out, Object frame) throws IOException {
    if (frame instanceof Control c) {
      if (c.type() == Wire.FORGET) {
        if (w.defined.remove(c.arg())) {
          out.writeByte(Wire.FORGET);
          out.writeLong(c.arg());
        }
        return;
      }
      out.writeByte(c.type());
      if (c.type() == Wire.REVOKE) {
        out.writeLong(c.arg());
      }
      return;
    }
    Outgoing t = (Outgoing) frame;
    int version = allowVersion;
    if (w.allowVersionSent < version && codec instanceof JavaSerializationCodec java) {
      List<String> rules = java.rules();
      out.writeByte(Wire.ALLOW);
      out.writeInt(rules.size());
      for (String rule : rules) {
        out.writeUTF(rule);
      }
      w.allowVersionSent = version;
    }
    Definition d = t.definition;
    if (w.defined.add(d.id())) {
      out.writeByte(Wire.DEFINE);
      out.writeLong(d.id());
      out.writeUTF(d.runId());
      out.writeUTF(d.taskName());
      Wire.writeBytes(out, d.bytes());
    }
    out.writeByte(Wire.TASK);
    out.writeLong(t.seq);
    out.writeLong(d.id());
    out.writeLong(t.taskNo);
    out.writeDouble(t.weight);
    Wire.writeBytes(out, t.args);
  }

  private void replaceLocked(Worker w) {
    if (!w.replacementStarted && !closed) {
      w.replacementStarted = true;
      replaced++;
      spawnLocked();
    }
  }

  /** Reads a worker's frames until its socket ends. */
  private void read(Worker w, DataInputStream in) {
    try {
      while (true) {
        byte type = in.readByte();
        switch (type) {
          case Wire.REPLY -> reply(w, in);
          case Wire.DRAINED -> {
            synchronized (this) {
              w.outstanding.clear();
              w.drainsReceived++;
              if (w.state == State.DRAINING) {
                w.state = State.READY;
              }
              stopIfRetiredLocked(w);
              assignLocked();
              notifyAll();
            }
          }
          case Wire.REVOKED -> {
            long seq = in.readLong();
            synchronized (this) {
              Outgoing t = w.outstanding.remove(seq);
              if (t != null && !t.cancelled) {
                t.revoking = false;
                pending.addFirst(t);
              }
              stopIfRetiredLocked(w);
              assignLocked();
            }
          }
          case Wire.RETIRE -> {
            String reason = in.readUTF();
            synchronized (this) {
              LOG.log(Level.INFO, w.describe() + " retires: " + reason);
              w.planned = true;
              if (w.state != State.DEAD) {
                w.state = State.RETIRING;
              }
              replaceLocked(w);
            }
          }
          default -> throw new IOException("unknown frame type " + type + " from " + w.name);
        }
        flushAll();
      }
    } catch (IOException | RuntimeException e) {
      // End of the socket: the worker exited or is exiting; make sure of it.
      Process p = w.process;
      try {
        if (p != null && !p.waitFor(1, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void reply(Worker w, DataInputStream in) throws IOException {
    long seq = in.readLong();
    TaskMetrics metrics = Wire.readMetrics(in);
    List<io.starmap.core.OperationStats> ops = Wire.readOperations(in, metrics.taskNo());
    boolean ok = in.readBoolean();
    byte[] payload = Wire.readBytes(in);
    byte[] subtaskBytes = Wire.readBytes(in);
    Object value = null;
    Throwable error = null;
    List<?> subtasks = List.of();
    try {
      if (ok) {
        value = codec.decode(payload);
        if (subtaskBytes.length > 0) {
          subtasks = (List<?>) codec.decode(subtaskBytes);
        }
      } else {
        error = (Throwable) codec.decode(payload);
      }
    } catch (RuntimeException e) {
      error = new StarmapException("the master cannot read what " + w.describe()
          + " sent back for " + metrics.taskName() + "#" + metrics.taskNo() + ": "
          + e.getMessage(), e);
      value = null;
      subtasks = List.of();
    }
    if (error != null && metrics.status() == TaskStatus.SUCCEEDED) {
      metrics = failed(metrics);
    }
    Outgoing t;
    synchronized (this) {
      t = w.outstanding.remove(seq);
      w.lastProgressNanos = System.nanoTime();
      if (t != null && !t.cancelled) {
        tasksRun++;
      }
      stopIfRetiredLocked(w);
      assignLocked();
    }
    flushAll(); // the next tasks leave before this reply is handled
    if (t == null || t.cancelled) {
      return;
    }
    TaskReply reply = new TaskReply(metrics.taskNo(), value, error, subtasks, metrics, ops)
        .withTransfer(t.args.length, payload.length * (ok ? 1L : 0L) + subtaskBytes.length);
    t.sink.accept(reply);
  }

  private static TaskMetrics failed(TaskMetrics m) {
    return new TaskMetrics(m.taskNo(), m.taskName(), m.weight(), m.workerId(),
        m.startEpochMillis(), m.wallNanos(), m.cpuNanos(), m.allocatedBytes(), m.bytesSent(),
        m.bytesReceived(), m.rssBytes(), m.peakRssBytes(), TaskStatus.FAILED);
  }

  private void stopIfRetiredLocked(Worker w) {
    if (w.state == State.RETIRING && w.outstanding.isEmpty() && w.out != null && !w.stopQueued) {
      w.stopQueued = true;
      w.toSend.add(new Control(Wire.STOP, 0));
    }
  }

  /** A worker JVM ended: hand its tasks back, or report the one it ran as lost; replace it. */
  private void died(Worker w) {
    // Let the replies it sent before dying arrive first, and its last words be read.
    for (Thread t : new Thread[] {w.reader, w.drain}) {
      if (t != null) {
        try {
          t.join(t == w.drain ? 500 : 2_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    deleteArgFile(w);
    int code = w.process.exitValue();
    List<Runnable> deliveries = new ArrayList<>();
    synchronized (this) {
      if (w.state == State.DEAD) {
        return;
      }
      boolean wasStarting = w.state == State.STARTING;
      w.state = State.DEAD;
      removeLocked(w);
      List<Outgoing> left = new ArrayList<>();
      for (Outgoing t : w.outstanding.values()) {
        if (!t.cancelled) {
          left.add(t);
        }
      }
      w.outstanding.clear();
      if (wasStarting && !closed) {
        if (w.startFailure == null) {
          w.startFailure = w.describe() + " exited with code " + code + " before it was ready"
              + w.lastOutput();
        }
        lastStartFailure = w.startFailure;
        startFailures++;
        LOG.log(Level.WARNING, w.startFailure);
      } else if (!w.planned && !closed) {
        if (!left.isEmpty()) {
          Outgoing running = left.remove(0);
          WorkerLostException lost = new WorkerLostException(w.describe() + " of pool " + id
              + " was lost while running task " + running.label() + ": it " + exit(code)
              + w.lastOutput());
          deliveries.add(() -> running.sink.accept(lostReply(w, running, lost)));
          LOG.log(Level.WARNING, lost.getMessage());
        } else {
          LOG.log(Level.WARNING, w.describe() + " of pool " + id + " died while idle: it "
              + exit(code) + w.lastOutput());
        }
      }
      for (int i = left.size() - 1; i >= 0; i--) {
        pending.addFirst(left.get(i)); // the tasks queued behind go to other workers
      }
      if (!closed && !w.replacementStarted && startFailures < MAX_START_FAILURES) {
        w.replacementStarted = true;
        if (!wasStarting) {
          replaced++;
        }
        spawnLocked();
      }
      assignLocked();
      if (!pending.isEmpty() && (closed || liveWorkers() == 0)) {
        deliveries.addAll(failPendingLocked(closed ? "the pool " + id + " was stopped"
            : "no worker is left in pool " + id + ": " + lastStartFailure));
      }
      notifyAll();
    }
    flushAll();
    deliveries.forEach(Runnable::run);
  }

  private List<Runnable> failPendingLocked(String why) {
    List<Runnable> deliveries = new ArrayList<>();
    while (!pending.isEmpty()) {
      Outgoing t = pending.pollFirst();
      WorkerLostException lost = new WorkerLostException("task " + t.label()
          + " cannot run: " + why);
      deliveries.add(() -> t.sink.accept(lostReply(null, t, lost)));
    }
    if (!deliveries.isEmpty()) {
      // Sinks are called outside the pool's lock, as everywhere else.
      HOUSEKEEPING.execute(() -> deliveries.forEach(Runnable::run));
    }
    return List.of();
  }

  private static String exit(int code) {
    if (code > 128 && code < 160) {
      int signal = code - 128;
      String name = switch (signal) {
        case 9 -> "SIGKILL: kill -9, or the kernel's OOM killer";
        case 15 -> "SIGTERM";
        case 6 -> "SIGABRT: a crash of the JVM";
        case 11 -> "SIGSEGV: a crash of the JVM";
        default -> "signal " + signal;
      };
      return "was killed (exit code " + code + ", " + name + ")";
    }
    if (code == 3) {
      return "exited with code 3 (the JVM ran out of memory with -XX:+ExitOnOutOfMemoryError?)";
    }
    return "exited with code " + code + " (System.exit in the task?)";
  }

  private TaskReply lostReply(Worker w, Outgoing t, Throwable error) {
    String workerId = w == null ? id : Host.NAME + ":" + w.pid + "/" + w.name;
    TaskMetrics m = new TaskMetrics(t.taskNo, t.taskName, t.weight, workerId,
        System.currentTimeMillis(), 0, 0, 0, t.args.length, 0, 0, 0, TaskStatus.FAILED);
    return new TaskReply(t.taskNo, null, error, List.of(), m, List.of());
  }

  private void removeLocked(Worker w) {
    w.state = State.DEAD;
    workers.remove(w);
    byToken.remove(w.token);
  }

  // ---- cancelling, reusing, stopping

  /** Drops waiting tasks and asks workers to drop theirs; a worker that does not is killed. */
  void cancelAll() {
    synchronized (this) {
      cancelAllLocked();
    }
    flushAll();
  }

  private void cancelAllLocked() {
    pending.clear();
    for (Worker w : workers) {
      if (w.outstanding.isEmpty() || (w.state != State.READY && w.state != State.RETIRING)) {
        continue;
      }
      for (Outgoing t : w.outstanding.values()) {
        t.cancelled = true;
      }
      w.toSend.add(new Control(Wire.CANCEL, 0));
      if (w.state == State.READY) {
        w.state = State.DRAINING;
      }
      int cancel = ++w.cancelsSent;
      TIMER.schedule(() -> {
        synchronized (this) {
          if (w.state != State.DEAD && w.drainsReceived < cancel) {
            LOG.log(Level.WARNING, w.describe() + " ignored the interruption of its task for "
                + DRAIN_MILLIS + " ms and is replaced");
            w.planned = true;
            replaceLocked(w);
            w.process.destroyForcibly();
          }
        }
      }, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** Whether tasks are still waiting or running. */
  synchronized boolean busy() {
    if (!pending.isEmpty()) {
      return true;
    }
    for (Worker w : workers) {
      if (!w.outstanding.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** Tells workers to forget the task functions of a finished run. */
  void forgetDefinitions() {
    synchronized (this) {
      forgetDefinitionsLocked();
    }
    flushAll();
  }

  private void forgetDefinitionsLocked() {
    for (Definition d : definitions.values()) {
      for (Worker w : workers) {
        if (w.out != null && w.state != State.DEAD) {
          w.toSend.add(new Control(Wire.FORGET, d.id()));
        }
      }
    }
    definitions.clear();
  }

  /** Whether the pool can serve another run. */
  synchronized boolean healthy() {
    return !closed && startFailures < MAX_START_FAILURES && liveWorkers() > 0;
  }

  /** Stops every worker: closes their pipes and sockets, then kills what is left after 2 s. */
  void stop() {
    List<Process> processes;
    synchronized (this) {
      if (closed) {
        return;
      }
      processes = stopLocked();
    }
    reap(processes);
  }

  /** Waits up to 2 s in all for {@code processes} to exit, then kills the rest. */
  private static void reap(List<Process> processes) {
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

  private List<Process> stopLocked() {
    closed = true;
    List<Process> processes = new ArrayList<>();
    for (Worker w : new ArrayList<>(workers)) {
      if (w.process != null) {
        processes.add(w.process);
        try {
          w.process.getOutputStream().close(); // end of stdin: the worker exits at once
        } catch (IOException e) {
          w.process.destroyForcibly();
        }
      }
      if (w.socket != null) {
        try {
          w.socket.close();
        } catch (IOException ignored) {
          // closing is all we wanted
        }
      }
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // nothing listens any more either way
    }
    for (Worker w : workers) {
      deleteArgFile(w);
    }
    failPendingLocked("the pool " + id + " was stopped");
    notifyAll();
    return processes;
  }

  // ---- reports

  synchronized List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (Worker w : workers) {
      if (w.pid > 0 && w.state != State.DEAD) {
        pids.add(w.pid);
      }
    }
    return pids;
  }

  synchronized Duration poolStartTime() {
    return poolStartTime;
  }

  synchronized List<Duration> workerStartTimes() {
    return List.copyOf(startTimes);
  }

  synchronized long tasksRun() {
    return tasksRun;
  }

  synchronized int replaced() {
    return replaced;
  }
}

package io.starmap.core.internal.process;

import io.starmap.core.StarmapException;
import io.starmap.core.spi.Codec;
import io.starmap.core.spi.TaskExecutor.ReplySink;
import io.starmap.core.spi.TaskRequest;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N worker JVMs on the master's paths, started before any task and kept for the next runs. The
 * pool starts, takes in, replaces and stops its workers; the {@link WorkerLauncher} starts a JVM,
 * the {@link Acceptor} checks who connects, the {@link Dispatcher} decides which task goes where,
 * the {@link FrameWriter} writes frames, a {@link WorkerReader} per worker reads them, {@link
 * WorkerDeaths} handles a worker's end and the {@link DefinitionCache} holds task functions.
 *
 * <p>Locking. One lock, this pool's monitor, guards all the pool's state: the fields below, the
 * {@link Dispatcher}'s queue and counters, the {@link DefinitionCache}'s map, every
 * {@link Worker}'s fields (but those its comments exempt) and every {@link Outgoing}'s flags. The
 * helpers have no lock of their own for that state: they synchronize on this pool, and their
 * methods named {@code ...Locked} expect it held. Frames are queued per worker under it, in the
 * order the worker will run them (so the master always knows which task a worker runs), and
 * written to the sockets outside it, under the worker's {@link Worker#writeLock}; the pool's lock
 * is never taken while a write lock is held, nor held across a socket write, a process start or a
 * reply's delivery to its sink. {@link #workers} is copy-on-write so that writers iterate it
 * without the lock; a worker's last lines of output are guarded by themselves.
 */
final class WorkerPool implements Acceptor.Workers {
  private static final System.Logger LOG = System.getLogger("io.starmap.processes");
  private static final AtomicInteger POOLS = new AtomicInteger();
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

  final PoolConfig config;
  final String id;
  private final Codec codec;
  private final Acceptor acceptor;
  private final WorkerLauncher launcher;
  private final DefinitionCache definitions;
  private final FrameWriter writer;
  private final Dispatcher dispatcher;
  private final WorkerDeaths deaths;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();
  /** The workers started and not yet connected, by the token they will connect with. */
  private final Map<String, Worker> byToken = new HashMap<>();
  private final List<Duration> startTimes = new ArrayList<>();
  private int nextWorker;
  /** Failed starts in a row, the last one's reason, and the workers replaced. */
  int startFailures;
  String lastStartFailure;
  int replaced;
  boolean closed;
  private Duration poolStartTime = Duration.ZERO;

  private WorkerPool(PoolConfig config) throws IOException {
    this.config = config;
    this.id = "p" + POOLS.incrementAndGet();
    this.codec = Codecs.create(config.codec(), config.allowedPackages());
    this.acceptor = new Acceptor(id, this);
    this.launcher = new WorkerLauncher(config);
    this.definitions = new DefinitionCache(this, codec);
    this.writer = new FrameWriter(codec, definitions);
    this.dispatcher = new Dispatcher(this, workers, config);
    this.deaths = new WorkerDeaths(this, dispatcher);
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
    acceptor.start();
    synchronized (this) {
      for (int i = 0; i < config.workers(); i++) {
        spawnLocked();
      }
      awaitReadyLocked();
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
    LOG.log(Level.DEBUG, () -> String.format(Locale.ROOT,
        "pool %s: %d worker JVMs ready in %d ms (pids %s; the slowest worker took %d ms to"
            + " reach its main and %d ms in it to warm up and connect)", id, config.workers(),
        poolStartTime.toMillis(), pids(), jvmMillis, mainMillis));
  }

  /** Waits until every worker is ready; on a failed start, stops the pool and says why. */
  private void awaitReadyLocked() {
    long deadline = System.nanoTime() + config.startTimeout().toNanos() + 5_000_000_000L;
    while (true) {
      long ready = workers.stream().filter(w -> w.state == Worker.State.READY).count();
      if (ready == config.workers()) {
        return;
      }
      if (startFailures > 0 || closed || System.nanoTime() > deadline) {
        String why = workers.stream().map(w -> w.startFailure).filter(s -> s != null)
            .findFirst().orElse(lastStartFailure != null ? lastStartFailure
                : "timed out after " + config.startTimeout().toSeconds() + " s");
        List<Process> started = stopLocked();
        HOUSEKEEPING.execute(() -> WorkerLauncher.reap(started));
        throw new StarmapException("the processes executor could not start " + config.workers()
            + " worker JVMs: " + why + " (command: " + launcher.commandPrefix() + ")");
      }
      try {
        wait(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        List<Process> started = stopLocked();
        HOUSEKEEPING.execute(() -> WorkerLauncher.reap(started));
        throw new StarmapException("interrupted while starting worker JVMs", e);
      }
    }
  }

  // ---- starting workers

  /** Registers a new worker and asks the launcher thread to start its JVM. */
  void spawnLocked() {
    Worker w = new Worker(id + "." + (++nextWorker));
    workers.add(w);
    byToken.put(w.token, w);
    List<String> cmd = launcher.command(w);
    Launcher.execute(() -> launch(w, cmd));
  }

  private void launch(Worker w, List<String> cmd) {
    Process process;
    try {
      process = launcher.start(w, cmd, acceptor.port());
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        w.startFailure = "cannot run " + cmd.get(0) + ": " + e.getMessage();
        lastStartFailure = w.startFailure;
        startFailures++;
        removeLocked(w);
        notifyAll();
      }
      return;
    }
    synchronized (this) {
      w.process = process;
      w.pid = process.pid();
      if (closed) {
        process.destroyForcibly();
      }
    }
    WorkerLauncher.drainOutput(w, process);
    process.onExit().thenRunAsync(() -> deaths.died(w), HOUSEKEEPING);
    TIMER.schedule(() -> {
      synchronized (this) {
        if (w.state == Worker.State.STARTING) {
          w.startFailure = w.describe() + " did not connect within "
              + config.startTimeout().toSeconds() + " s" + w.lastOutput();
          process.destroyForcibly();
        }
      }
    }, config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@inheritDoc} Each token is good for one connection. */
  @Override
  public synchronized Worker claim(String token) {
    return byToken.remove(token);
  }

  /** {@inheritDoc} The worker becomes ready, its reader starts and it gets its first tasks. */
  @Override
  public void connected(Worker w, Socket socket, DataInputStream in, long mainNanos)
      throws IOException {
    synchronized (this) {
      if (w.state != Worker.State.STARTING || closed) {
        socket.close();
        return;
      }
      w.socket = socket;
      w.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
      w.startNanos = System.nanoTime() - w.spawnNanos;
      w.mainNanos = mainNanos;
      startTimes.add(Duration.ofNanos(w.startNanos));
      w.state = Worker.State.READY;
      startFailures = 0;
      Thread reader = new Thread(new WorkerReader(this, dispatcher, codec, w, in),
          "starmap-" + w.name + "-reader");
      reader.setDaemon(true);
      w.reader = reader;
      reader.start();
      dispatcher.assignLocked();
      notifyAll();
    }
    flushAll();
  }

  /** Starts a worker in place of {@code w}, which retires, unless one was started already. */
  void replaceLocked(Worker w) {
    if (!w.replacementStarted && !closed) {
      w.replacementStarted = true;
      replaced++;
      spawnLocked();
    }
  }

  void removeLocked(Worker w) {
    w.state = Worker.State.DEAD;
    workers.remove(w);
    byToken.remove(w.token);
  }

  int liveWorkers() {
    int n = 0;
    for (Worker w : workers) {
      if (w.state != Worker.State.DEAD) {
        n++;
      }
    }
    return n;
  }

  /** Writes the frames queued for every worker, outside the pool's lock. */
  void flushAll() {
    writer.flushAll(workers);
  }

  // ---- tasks

  /** Sends {@code request} now or queues it; fails at once if it cannot be serialized. */
  void submit(TaskRequest<?, ?> request, ReplySink sink) {
    DefinitionCache.Definition definition = definitions.definition(request);
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
      dispatcher.submitLocked(request, definition, args, sink);
      if (dispatcher.waitingLocked() && liveWorkers() == 0) {
        dispatcher.failPendingLocked("no worker is left in pool " + id);
      }
    }
    flushAll();
  }

  private static String typeOf(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }

  /** Drops waiting tasks and asks workers to drop theirs; a worker that does not is killed. */
  void cancelAll() {
    synchronized (this) {
      dispatcher.cancelAllLocked();
    }
    flushAll();
  }

  /** Whether tasks are still waiting or running. */
  synchronized boolean busy() {
    return dispatcher.busyLocked();
  }

  /** Tells workers to forget the task functions of a finished run. */
  void forgetDefinitions() {
    synchronized (this) {
      for (long definition : definitions.forgetLocked()) {
        for (Worker w : workers) {
          if (w.out != null && w.state != Worker.State.DEAD) {
            w.toSend.add(new FrameWriter.Control(Wire.FORGET, definition));
          }
        }
      }
    }
    flushAll();
  }

  /** Whether the pool can serve another run. */
  synchronized boolean healthy() {
    return !closed && startFailures < WorkerDeaths.MAX_START_FAILURES && liveWorkers() > 0;
  }

  // ---- stopping

  /** Stops every worker: closes their pipes and sockets, then kills what is left after 2 s. */
  void stop() {
    List<Process> processes;
    synchronized (this) {
      if (closed) {
        return;
      }
      processes = stopLocked();
    }
    WorkerLauncher.reap(processes);
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
    acceptor.close();
    for (Worker w : workers) {
      WorkerLauncher.deleteArgFile(w);
    }
    dispatcher.failPendingLocked("the pool " + id + " was stopped");
    notifyAll();
    return processes;
  }

  // ---- reports

  synchronized List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    for (Worker w : workers) {
      if (w.pid > 0 && w.state != Worker.State.DEAD) {
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
    return dispatcher.tasksRunLocked();
  }

  synchronized int replaced() {
    return replaced;
  }
}

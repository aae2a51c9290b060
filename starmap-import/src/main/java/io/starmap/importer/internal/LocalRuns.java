package io.starmap.importer.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs whose tasks this JVM runs, by run id: where a task that arrived from another JVM (so
 * without its run's {@link RunState}, see there) finds the state it shares with the run's other
 * tasks here. The one static registry of the importer, because a worker process or a cluster
 * member outlives runs and is not told when one ends: an entry is made by a run's first task in
 * this JVM or by the importing run itself, removed by {@link RunState#close} (the importing JVM),
 * and otherwise closed in part when another run's first task arrives (its idle connections close;
 * a run still going reopens its own) or at JVM exit.
 */
final class LocalRuns {
  private static final ConcurrentHashMap<String, RunState> RUNS = new ConcurrentHashMap<>();

  static {
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(
          () -> RUNS.values().forEach(RunState::closeIdle), "starmap-import-pool-close"));
    } catch (IllegalStateException e) {
      // first used as the JVM ends (a Ctrl-C as the run starts): no hook, and no error out of
      // this class's initialization, which would make every later use fail
    }
  }

  private LocalRuns() {}

  /** Registers the importing run's own state, so that its tasks in this JVM find it by id. */
  static void register(RunState s) {
    RUNS.put(s.runId(), s);
  }

  /** The state of run {@code runId} in this JVM, made at its first task here. */
  static RunState of(String runId) {
    RunState s = RUNS.get(runId);
    if (s != null) {
      return s;
    }
    // A worker process kept across runs never hears that a run ended: when a new run starts
    // here, the idle connections of earlier runs are closed.
    RUNS.values().forEach(RunState::closeIdle);
    return RUNS.computeIfAbsent(runId, RunState::new);
  }

  static void remove(RunState s) {
    RUNS.remove(s.runId(), s);
  }
}

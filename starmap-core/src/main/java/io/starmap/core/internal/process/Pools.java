package io.starmap.core.internal.process;

import io.starmap.core.processes.ProcessPoolInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JVM's pools of worker processes. A run leases a pool for its configuration (workers and
 * options), reusing an idle one when there is one, and gives it back when it ends, so the next run
 * finds its workers started and warm. A few idle pools are kept; a shutdown hook stops them all.
 */
public final class Pools {
  private static final int MAX_IDLE = 3;
  private static final ArrayDeque<WorkerPool> IDLE = new ArrayDeque<>();
  private static final Set<WorkerPool> ALL = new LinkedHashSet<>();
  private static final Set<WorkerPool> LEASED = new LinkedHashSet<>();
  private static boolean hooked;

  private Pools() {}

  /** A lease of a pool of {@code workers} workers configured by {@code options}. */
  public static ProcessExecutor lease(int workers, Map<String, String> options) {
    return new ProcessExecutor(take(PoolConfig.parse(workers, options)));
  }

  private static WorkerPool take(PoolConfig config) {
    synchronized (Pools.class) {
      for (Iterator<WorkerPool> it = IDLE.iterator(); it.hasNext(); ) {
        WorkerPool pool = it.next();
        if (pool.config.key().equals(config.key())) {
          it.remove();
          if (pool.healthy()) {
            LEASED.add(pool);
            return pool;
          }
          ALL.remove(pool);
          pool.stop();
        }
      }
      hook();
    }
    // Started outside the lock: other runs need not wait for these JVMs.
    WorkerPool pool = WorkerPool.start(config);
    synchronized (Pools.class) {
      ALL.add(pool);
      LEASED.add(pool);
    }
    return pool;
  }

  /** Starts (or finds) an idle pool for this configuration, for a run about to come. */
  public static ProcessPoolInfo warmUp(int workers, Map<String, String> options) {
    WorkerPool pool = take(PoolConfig.parse(workers, options));
    release(pool);
    return info(pool);
  }

  /** The public view of {@code pool}. */
  static ProcessPoolInfo info(WorkerPool pool) {
    return new ProcessPoolInfo(pool.id, pool.config.workers(), pool.config.options(),
        pool.pids(), pool.poolStartTime(), pool.workerStartTimes(), pool.tasksRun(),
        pool.replaced(), leased(pool));
  }

  /** Gives a pool back after a run: kept idle when healthy, else stopped. */
  static void release(WorkerPool pool) {
    List<WorkerPool> evicted = new ArrayList<>();
    synchronized (Pools.class) {
      LEASED.remove(pool);
      if (!pool.healthy()) {
        ALL.remove(pool);
        evicted.add(pool);
      } else {
        IDLE.addFirst(pool);
        while (IDLE.size() > MAX_IDLE) {
          WorkerPool old = IDLE.removeLast();
          ALL.remove(old);
          evicted.add(old);
        }
      }
    }
    evicted.forEach(WorkerPool::stop);
  }

  /** Every pool, leased or idle. */
  public static List<ProcessPoolInfo> all() {
    List<WorkerPool> pools;
    synchronized (Pools.class) {
      pools = List.copyOf(ALL);
    }
    return pools.stream().map(Pools::info).toList();
  }

  /** Whether {@code pool} serves a run now. */
  static synchronized boolean leased(WorkerPool pool) {
    return LEASED.contains(pool);
  }

  /** Stops every pool, leased or idle. */
  public static void stopAll() {
    List<WorkerPool> pools;
    synchronized (Pools.class) {
      pools = new ArrayList<>(ALL);
      ALL.clear();
      IDLE.clear();
      LEASED.clear();
    }
    // In parallel: each stop waits up to 2 s for its workers to exit.
    List<Thread> stoppers = new ArrayList<>();
    for (WorkerPool pool : pools) {
      Thread t = new Thread(pool::stop, "starmap-stop-" + pool.id);
      t.setDaemon(true);
      t.start();
      stoppers.add(t);
    }
    for (Thread t : stoppers) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static void hook() {
    if (!hooked) {
      hooked = true;
      Runtime.getRuntime().addShutdownHook(new Thread(Pools::stopAll, "starmap-stop-pools"));
    }
  }
}

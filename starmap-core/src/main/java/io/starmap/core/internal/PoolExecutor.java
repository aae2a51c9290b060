package io.starmap.core.internal;

import io.starmap.core.spi.TaskExecutor;
import io.starmap.core.spi.TaskRequest;
import io.starmap.core.spi.TaskRunner;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code threads} (N platform threads) and {@code virtual} (one virtual thread per task, at most N
 * running at once). Threads are named {@code starmap-<run>-<i>}
 * so that a leak is visible in a thread dump and in tests.
 */
public final class PoolExecutor implements TaskExecutor {
  private static final AtomicInteger POOLS = new AtomicInteger();
  private final String name;
  private final int workers;
  private final ExecutorService pool;
  private final Map<Long, Future<?>> running = new ConcurrentHashMap<>();
  // Virtual: tasks wait here and start in the order submitted, at most `workers` at once (a
  // semaphore taken by each task's own thread let a later task start before an earlier one).
  // Null when the pool itself has exactly `workers` threads and a FIFO queue.
  private final ConcurrentLinkedQueue<FutureTask<Void>> waiting;
  private final AtomicInteger started = new AtomicInteger();
  private final List<Thread> threads; // the platform threads, joined by close

  private PoolExecutor(String name, int workers, ExecutorService pool,
      ConcurrentLinkedQueue<FutureTask<Void>> waiting, List<Thread> threads) {
    this.threads = threads;
    this.name = name;
    this.workers = workers;
    this.pool = pool;
    this.waiting = waiting;
  }

  /** N platform threads. */
  public static PoolExecutor threads(int workers) {
    requirePositive(workers);
    String prefix = "starmap-" + POOLS.incrementAndGet() + "-";
    AtomicInteger n = new AtomicInteger();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      threads.add(t);
      return t;
    };
    // A plain blocking queue: an idle worker parks at once. Polling before parking saved a
    // hand-off on a quiet machine, but its Thread.yield gave the core away to any other process
    // for a whole time slice, and an empty task cost 95 us instead of 1 beside two busy
    // processes; the run's adaptive window now hands short tasks over in batches instead.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS,
        new java.util.concurrent.LinkedBlockingQueue<>(), factory);
    return new PoolExecutor("threads", workers, pool, null, threads);
  }

  /**
   * A virtual thread per task, at most {@code workers} running at once (the others wait in
   * order of submission, without a thread), so that {@code workers} means the same on every
   * executor.
   */
  public static PoolExecutor virtual(int workers) {
    requirePositive(workers);
    ThreadFactory factory =
        Thread.ofVirtual().name("starmap-v" + POOLS.incrementAndGet() + "-", 1).factory();
    return new PoolExecutor("virtual", workers,
        java.util.concurrent.Executors.newThreadPerTaskExecutor(factory),
        new ConcurrentLinkedQueue<>(), List.of());
  }

  private static void requirePositive(int workers) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be positive, got " + workers);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int workers() {
    return workers;
  }

  @Override
  public void submit(TaskRequest<?, ?> request, ReplySink sink) {
    long taskNo = request.taskNo();
    // Registered before it can run, removed by itself when done: cancelAll sees every live task.
    FutureTask<Void> future = new FutureTask<>(() -> {
      sink.accept(TaskRunner.run(request, Host.currentWorkerId()));
      return null;
    }) {
      @Override
      protected void done() {
        running.remove(taskNo, this);
      }
    };
    running.put(taskNo, future);
    if (waiting == null) {
      pool.execute(future);
      return;
    }
    waiting.add(future);
    startWaiting(false);
  }

  /**
   * Starts waiting tasks, oldest first, while fewer than {@code workers} run. A task cancelled
   * while it waited starts and ends at once (its FutureTask does nothing).
   *
   * @param byAWorker called by a task's thread as it ends: a closed executor starts nothing more
   *     and says nothing (the caller of submit is told instead)
   */
  private void startWaiting(boolean byAWorker) {
    while (true) {
      int n = started.get();
      if (n >= workers) {
        return;
      }
      if (!started.compareAndSet(n, n + 1)) {
        continue;
      }
      FutureTask<Void> next = waiting.poll();
      if (next == null) {
        started.decrementAndGet();
        // a task queued meanwhile by a thread that saw no free place is started here
        if (waiting.isEmpty()) {
          return;
        }
        continue;
      }
      try {
        pool.execute(() -> {
          try {
            next.run();
          } finally {
            started.decrementAndGet();
            startWaiting(true);
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        started.decrementAndGet();
        next.cancel(false);
        if (byAWorker) {
          return;
        }
        throw e;
      }
    }
  }

  @Override
  public void cancelAll() {
    for (Future<?> f : running.values()) {
      f.cancel(true);
    }
  }

  @Override
  public void close() {
    cancelAll();
    pool.shutdownNow();
    // An aborted run closes its executor from an interrupted thread: wait for the tasks to stop
    // all the same (they were just interrupted), so that no thread outlives the run; a second
    // interrupt cuts the wait short. The flag is restored either way.
    boolean interrupted = Thread.interrupted();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      boolean stopped = pool.awaitTermination(10, TimeUnit.SECONDS);
      // A terminated pool's last thread is still finishing its exit: join it too, so that the
      // caller never sees a starmap thread alive after close.
      for (Thread t : threads) {
        long left = deadline - System.nanoTime();
        if (left > 0) {
          t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      }
      if (!stopped) {
        System.getLogger("io.starmap").log(System.Logger.Level.WARNING,
            "some " + name + " tasks ignored interruption and still run after 10 s");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

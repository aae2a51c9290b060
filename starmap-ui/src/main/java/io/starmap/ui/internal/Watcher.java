package io.starmap.ui.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one thread that reads the store for the open pages: once a second it polls each feed that
 * a page watches (the list with its filter, a calculation) and queues what changed for the pages
 * that watch it. Other processes write the store (SQLite in WAL mode), so polling is how their runs
 * show up. A feed that costs much to compute (a calculation of 100,000 tasks) is polled less
 * often, so that the server spends at most about 2% of a core on it.
 */
public final class Watcher implements AutoCloseable {
  /** What a page watches: its next event, or null when nothing changed since the last poll. */
  interface Feed {
    String poll();
  }

  /** What a page's stream reads from: the events of its feed. */
  final class Subscription implements AutoCloseable {
    private final String key;
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    private Subscription(String key) {
      this.key = key;
    }

    String next(long timeoutMillis) throws InterruptedException {
      return events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      FeedState f = feeds.get(key);
      if (f != null) {
        f.subscribers.remove(this);
      }
    }
  }

  private static final long PERIOD_MS = 800;
  /** How often the thread looks for a feed that is due: a change shows within about a second. */
  private static final long TICK_MS = 200;
  /** A feed's computing time times this is the least time until its next poll: 2% of a core. */
  private static final long COST_FACTOR = 50;

  private final class FeedState {
    final Feed feed;
    final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    String last;
    long due;

    FeedState(Feed feed) {
      this.feed = feed;
    }

    synchronized void poll(long now) {
      long t0 = System.nanoTime();
      String event = feed.poll();
      long costMs = (System.nanoTime() - t0) / 1_000_000;
      due = now + Math.max(PERIOD_MS, costMs * COST_FACTOR);
      if (event != null) {
        last = event;
        for (Subscription s : subscribers) {
          s.events.offer(event);
        }
      }
    }
  }

  private final Map<String, FeedState> feeds = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  /** A watcher with no feed yet; {@link #start()} starts its thread. */
  public Watcher() {
    this.thread = Thread.ofPlatform().daemon().name("starmap-ui-watcher").unstarted(this::loop);
  }

  /** Starts polling. */
  public void start() {
    thread.start();
  }

  /** Subscribes to feed {@code key}, made by {@code make} if no page watches it yet. */
  Subscription subscribe(String key, Supplier<Feed> make) {
    FeedState f = feeds.computeIfAbsent(key, k -> new FeedState(make.get()));
    Subscription s = new Subscription(key);
    synchronized (f) {
      f.subscribers.add(s);
      try {
        if (f.last == null) {
          f.poll(System.currentTimeMillis());
        } else {
          s.events.offer(f.last);
        }
      } catch (RuntimeException e) {
        s.close(); // a feed that cannot start is not polled for a page that is gone
        throw e;
      }
    }
    return s;
  }

  /** CPU time the polling thread has used, in nanoseconds (for the cost measurement). */
  public long cpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean()
        .getThreadCpuTime(thread.threadId());
  }

  private void loop() {
    while (!closed) {
      long now = System.currentTimeMillis();
      feeds.values().removeIf(f -> f.subscribers.isEmpty());
      for (FeedState f : feeds.values()) {
        if (now >= f.due) {
          try {
            f.poll(now);
          } catch (RuntimeException e) {
            // a calculation deleted under its page, a busy database: the next poll tries again
            f.due = now + PERIOD_MS;
          }
        }
      }
      try {
        Thread.sleep(TICK_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}

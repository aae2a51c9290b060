package io.starmap.embedded.internal;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lease files of the processes that use one embedded server ({@code pg/leases/<pid>-<n>}), each
 * recording its pid and that pid's start time, so that the lease of a process that died (pid gone,
 * or reused by another program) is told apart and deleted. Callers hold the server's lock.
 */
public final class ServerLeases {
  private static final AtomicLong SEQ = new AtomicLong();
  private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean HOOK = new AtomicBoolean();
  /**
   * How long the exit waits for a lease being taken: the server it may be starting (initdb
   * included) would otherwise run on with no lease to stop it.
   */
  private static final long TAKING_WAIT_MILLIS = 120_000;
  private static final Object EXIT = new Object();
  private static int taking; // guarded by EXIT
  private static boolean ending; // guarded by EXIT

  private final Path dir;

  /**
   * The leases of the server whose state is in {@code serverDir}.
   *
   * @param serverDir the server's state directory
   */
  public ServerLeases(Path serverDir) {
    this.dir = serverDir.resolve("leases");
  }

  /**
   * Writes a new lease of this process.
   *
   * @return the lease file
   * @throws IOException when it cannot be written
   */
  public Path take() throws IOException {
    ProcessHandle me = ProcessHandle.current();
    Path lease = directory().resolve(me.pid() + "-" + SEQ.incrementAndGet() + "-"
        + UUID.randomUUID().toString().substring(0, 8));
    OwnerOnly.writeString(lease, me.pid() + " "
        + me.info().startInstant().map(Instant::toEpochMilli).orElse(0L) + "\n");
    return lease;
  }

  /**
   * The leases of live processes; deletes those of dead ones.
   *
   * @return the lease files of live processes
   * @throws IOException when the directory cannot be read
   */
  public List<Path> live() throws IOException {
    List<Path> live = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory())) {
      for (Path lease : ds) {
        if (isLive(lease)) {
          live.add(lease);
        } else {
          Files.deleteIfExists(lease);
        }
      }
    }
    return live;
  }

  /**
   * Marks the start of taking a lease, before the server is started for it: the release at exit
   * waits until {@link #endTaking} (a Ctrl-C or SIGTERM while the server starts then stops it once
   * started, instead of leaving it running with no lease).
   *
   * @throws IllegalStateException when this JVM is ending: no lease is taken any more
   */
  public static void startTaking() {
    installHook();
    synchronized (EXIT) {
      if (ending) {
        throw new IllegalStateException("the process is ending");
      }
      taking++;
    }
  }

  /** Marks the end of taking a lease, given to {@link #closeAtExit} by then if one was taken. */
  public static void endTaking() {
    synchronized (EXIT) {
      taking--;
      EXIT.notifyAll();
    }
  }

  /**
   * Closes {@code lease} when this JVM ends normally, on Ctrl-C or SIGTERM, unless it was closed
   * before (then {@link #forget} it); kill -9 leaves its file to be found dead by the next user.
   *
   * @param lease the lease to close at exit
   * @throws IllegalStateException when this JVM is ending and did not install its release before
   */
  public static void closeAtExit(AutoCloseable lease) {
    installHook();
    OPEN.add(lease);
  }

  private static void installHook() {
    if (HOOK.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(ServerLeases::closeAll,
            "starmap-embedded-postgres-release"));
      } catch (IllegalStateException e) {
        HOOK.set(false); // shutdown in progress: nothing can be closed at exit any more
        throw e;
      }
    }
  }

  /** At exit: no new lease; the leases being taken are waited for; then every open one closes. */
  private static void closeAll() {
    synchronized (EXIT) {
      ending = true;
      long end = System.nanoTime() + TAKING_WAIT_MILLIS * 1_000_000L;
      long left;
      while (taking > 0 && (left = end - System.nanoTime()) > 0) {
        try {
          EXIT.wait(left / 1_000_000L + 1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    for (AutoCloseable open : List.copyOf(OPEN)) {
      try {
        open.close();
      } catch (Exception e) {
        // The process is ending: the next user cleans up what this one could not.
      }
    }
  }

  /**
   * Stops closing {@code lease} at exit.
   *
   * @param lease a lease given to {@link #closeAtExit}
   */
  public static void forget(AutoCloseable lease) {
    OPEN.remove(lease);
  }

  private Path directory() throws IOException {
    return OwnerOnly.createDirectories(dir);
  }

  private static boolean isLive(Path lease) {
    try {
      String[] f = Files.readString(lease).strip().split("\\s+");
      long pid = Long.parseLong(f[0]);
      long started = f.length > 1 ? Long.parseLong(f[1]) : 0;
      Optional<ProcessHandle> ph = ProcessHandle.of(pid);
      if (ph.isEmpty() || !ph.get().isAlive()) {
        return false;
      }
      // A pid reused by another program has another start time.
      Optional<Instant> now = ph.get().info().startInstant();
      return started == 0 || now.isEmpty()
          || Math.abs(now.get().toEpochMilli() - started) < 2000;
    } catch (IOException | RuntimeException e) {
      // Unreadable or half-written by a process killed while writing it: not a live lease.
      return false;
    }
  }
}

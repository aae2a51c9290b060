package io.starmap.core.internal.process;

import io.starmap.core.internal.Host;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The master's side of one worker JVM. Its fields are guarded by its pool's lock (the
 * {@link WorkerPool}'s monitor) unless their comment says otherwise.
 */
final class Worker {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int OUTPUT_LINES_KEPT = 20;

  /** Where a worker is in its life. */
  enum State { STARTING, READY, DRAINING, RETIRING, DEAD }

  final String name;
  /** What it sends first on its socket: the proof that it is the JVM this pool started. */
  final String token = HexFormat.of().formatHex(randomBytes());
  final long spawnNanos = System.nanoTime();
  /** The tasks sent to it and not answered, in the order it runs them. */
  final LinkedHashMap<Long, Outgoing> outstanding = new LinkedHashMap<>();
  /** Frames to write, in order; appended under the pool's lock, written under writeLock. */
  final ConcurrentLinkedQueue<Object> toSend = new ConcurrentLinkedQueue<>();
  /** Held while frames are written to {@link #out}; never while waiting for the pool's lock. */
  final ReentrantLock writeLock = new ReentrantLock();
  /** Definitions this worker holds; only touched under writeLock. */
  final Set<Long> defined = new HashSet<>();
  /** Its last lines of output; guarded by itself. */
  private final ArrayDeque<String> lastLines = new ArrayDeque<>();
  State state = State.STARTING;
  /**
   * Its JVM and pid, set under the pool's lock once started; the writer and its reader also read
   * {@code process} without the lock, and take null (not known yet) as nothing to kill.
   */
  Process process;
  long pid = -1;
  long startNanos;
  long mainNanos;
  Socket socket;
  /** Set once under the pool's lock; read by the writers without it. */
  volatile DataOutputStream out;
  Thread reader;
  Thread drain;
  /** The allow-list version it has received; only touched under writeLock. */
  int allowVersionSent;
  int sent;
  int cancelsSent;
  int drainsReceived;
  long lastProgressNanos;
  /** Being topped up by the dispatcher's current pass (see {@code Dispatcher.assignLocked}). */
  boolean refilling;
  boolean planned;
  boolean replacementStarted;
  boolean stopQueued;
  String startFailure;
  /** Its launcher's @argfile, deleted once the JVM has read it (it connects) or has died. */
  volatile Path argFile;

  Worker(String name) {
    this.name = name;
  }

  /** Its id in the metrics of the tasks it ran: host, pid and name. */
  String workerId() {
    return Host.NAME + ":" + pid + "/" + name;
  }

  String describe() {
    return "worker " + name + " (pid " + pid + ")";
  }

  /** Keeps {@code line} among its last {@value #OUTPUT_LINES_KEPT} lines of output. */
  void keepOutput(String line) {
    synchronized (lastLines) {
      if (lastLines.size() == OUTPUT_LINES_KEPT) {
        lastLines.removeFirst();
      }
      lastLines.addLast(line);
    }
  }

  /** Its last lines of output, for a message saying why it failed; empty if none. */
  String lastOutput() {
    synchronized (lastLines) {
      return lastLines.isEmpty() ? "" : "; its last output: " + String.join(" | ", lastLines);
    }
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return b;
  }
}

package io.starmap.core.internal.process;

import io.starmap.core.MemoryLimitExceededException;
import io.starmap.core.RemoteTaskException;
import io.starmap.core.StarmapException;
import io.starmap.core.Task;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.internal.Host;
import io.starmap.core.internal.util.Bytes;
import io.starmap.core.spi.Codec;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import io.starmap.core.spi.TaskRunner;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A worker's side of its connection to the master, once its JVM has started: it connects, proves
 * itself, then reads tasks and writes replies on that socket. Tasks run one at a time, in the
 * order they arrive, on the thread that called {@link #run}; a reader thread queues them as they
 * come, so several can be in flight (pipelined) and the worker never waits for the master between
 * two tasks. A memory guard answers for a task that grows the process past its limit.
 *
 * <p>Locking: {@code outLock} guards the socket's output and {@code current} changing from a
 * task to none (the task thread and the memory guard both may answer for it; the first one
 * does); {@code definitions} is guarded by itself. Neither lock is taken while holding the other
 * but in the memory guard, which takes {@code definitions} inside {@code outLock}.
 */
final class WorkerSession {
  private static final Object DRAIN = new Object();
  private static final long MEMORY_POLL_MILLIS = 100;

  private record Definition(String runId, String taskName, Task<Object, Object> task,
      RuntimeException failure) {}

  private record Job(long seq, long defId, long taskNo, double weight, byte[] args) {}

  private final String name;
  private final long pid = ProcessHandle.current().pid();
  private final String workerId;
  private final Codec codec;
  private final long memoryLimit;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Map<Long, Definition> definitions = new HashMap<>();
  private final MemoryProbe probe = new MemoryProbe();
  private final Object outLock = new Object();
  private DataOutputStream out;
  private volatile Thread runner;
  private volatile Job current;
  private volatile long currentStart;
  private volatile String currentTask = "";

  WorkerSession(String name, Codec codec, long memoryLimit) {
    this.name = name;
    this.workerId = Host.NAME + ":" + pid + "/" + name;
    this.codec = codec;
    this.memoryLimit = memoryLimit;
  }

  /**
   * Connects to the master on {@code port} once {@code warmUp} has ended, proves itself with
   * {@code token} and runs tasks until the master stops it or goes away; {@code t0} is when the
   * JVM reached its main.
   */
  void run(int port, String token, long t0, Thread warmUp) throws IOException {
    try {
      warmUp.join(); // connected only when ready: the master's handshake has a time limit
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setTcpNoDelay(true);
    out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
    DataInputStream in =
        new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
    synchronized (outLock) {
      out.write(token.getBytes(StandardCharsets.US_ASCII));
      out.write('\n');
      out.writeByte(Wire.HELLO);
      out.writeLong(pid);
      out.writeLong(System.nanoTime() - t0);
      out.flush();
    }
    runner = Thread.currentThread();
    Thread reader = new Thread(() -> read(in), "starmap-worker-reader");
    reader.setDaemon(true);
    reader.start();
    if (memoryLimit > 0) {
      Thread guard = new Thread(this::guardMemory, "starmap-worker-memory");
      guard.setDaemon(true);
      guard.start();
    }
    loop();
  }

  private void read(DataInputStream in) {
    try {
      while (true) {
        byte type = in.readByte();
        switch (type) {
          case Wire.DEFINE -> define(in.readLong(), in.readUTF(), in.readUTF(),
              Wire.readBytes(in));
          case Wire.TASK -> queue.add(new Job(in.readLong(), in.readLong(), in.readLong(),
              in.readDouble(), Wire.readBytes(in)));
          case Wire.FORGET -> {
            long defId = in.readLong();
            synchronized (definitions) {
              definitions.remove(defId);
            }
          }
          case Wire.ALLOW -> {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
              String rule = in.readUTF();
              if (codec instanceof JavaSerializationCodec java) {
                java.allow(rule);
              }
            }
          }
          case Wire.CANCEL -> {
            queue.clear();
            Thread r = runner;
            if (r != null) {
              r.interrupt();
            }
            queue.add(DRAIN);
          }
          case Wire.STOP -> System.exit(0);
          case Wire.REVOKE -> {
            long seq = in.readLong();
            // Only a task still queued goes back; a started one replies as usual.
            if (queue.removeIf(item -> item instanceof Job job && job.seq() == seq)) {
              send(w -> {
                w.writeByte(Wire.REVOKED);
                w.writeLong(seq);
              });
            }
          }
          default -> throw new IOException("unknown frame type " + type);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The master closed the socket (it stops the pool or it died): nothing is left to do.
      if (ParentWatch.WATCHES.contains("socket")) {
        Runtime.getRuntime().halt(0);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void define(long defId, String runId, String taskName, byte[] bytes) {
    Definition d;
    try {
      d = new Definition(runId, taskName, (Task<Object, Object>) codec.decode(bytes), null);
    } catch (RuntimeException e) {
      d = new Definition(runId, taskName, null, new StarmapException("worker " + name + " (pid "
          + pid + ") cannot read the task function of " + taskName + ": " + e.getMessage(), e));
    }
    synchronized (definitions) {
      definitions.put(defId, d);
    }
  }

  private void loop() {
    while (true) {
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        continue; // a CANCEL that found nothing running; its DRAIN marker follows
      }
      if (item == DRAIN) {
        send(w -> w.writeByte(Wire.DRAINED));
        continue;
      }
      Thread.interrupted(); // a cancel aimed at the previous task must not hit this one
      execute((Job) item);
    }
  }

  private void execute(Job job) {
    Definition d;
    synchronized (definitions) {
      d = definitions.get(job.defId());
    }
    String taskName = d == null ? "task" : d.taskName();
    currentTask = taskName + "#" + job.taskNo();
    probe.resetPeak();
    currentStart = System.currentTimeMillis();
    current = job;
    TaskReply reply;
    if (d == null || d.failure() != null) {
      reply = failed(job, taskName, d == null ? new StarmapException("worker " + name
          + " has no definition " + job.defId() + " for " + currentTask) : d.failure());
    } else {
      Object args = null;
      RuntimeException decodeFailure = null;
      try {
        args = codec.decode(job.args());
      } catch (RuntimeException e) {
        decodeFailure = new StarmapException("worker " + name + " (pid " + pid
            + ") cannot read the argument of " + currentTask + ": " + e.getMessage(), e);
      }
      reply = decodeFailure != null ? failed(job, taskName, decodeFailure)
          : TaskRunner.run(new TaskRequest<>(d.runId(), taskName, job.taskNo(), d.task(), args,
              job.weight()), workerId);
    }
    probe.readAfter(reply.metrics().wallNanos());
    reply = reply.withMemory(probe.rss(), probe.peak());
    boolean retire = false;
    String reason = null;
    if (memoryLimit > 0 && probe.peak() > memoryLimit) {
      reply = withFailure(reply, memoryExceeded(probe.peak()));
      retire = true;
      reason = "memory limit exceeded";
    } else if (reply.error() instanceof VirtualMachineError) {
      retire = true;
      reason = "the JVM may be damaged after " + reply.error().getClass().getName();
    }
    Encoded encoded = encode(reply);
    boolean retireNow = retire;
    String why = reason;
    synchronized (outLock) {
      if (current != job) {
        return; // the memory guard already answered for this task
      }
      current = null;
      sendLocked(job.seq(), encoded);
      if (retireNow) {
        sendRetire(why);
      }
    }
  }

  private record Encoded(TaskReply reply, byte[] value, byte[] error, byte[] subtasks) {}

  /** Encodes the value (or the error) and the subtasks; a value that cannot be sent fails. */
  private Encoded encode(TaskReply reply) {
    TaskReply r = reply;
    if (r.error() == null) {
      try {
        byte[] value = codec.encode(r.value());
        byte[] subtasks = r.subtasks().isEmpty() ? new byte[0]
            : codec.encode(new ArrayList<>(r.subtasks()));
        return new Encoded(r, value, null, subtasks);
      } catch (IllegalArgumentException e) {
        r = withFailure(r, new StarmapException("the result of " + currentTask
            + " cannot be sent back to the master: " + e.getMessage()));
      }
    }
    return new Encoded(r, null, encodeError(r.error()), new byte[0]);
  }

  private byte[] encodeError(Throwable error) {
    try {
      return codec.encode(error);
    } catch (RuntimeException e) {
      // The master could not read it back: a copy that says why, and how to allow the class.
      return codec.encode(RemoteTaskException.copyOf(error, "sent as a copy: " + e.getMessage()));
    }
  }

  private void sendLocked(long seq, Encoded e) {
    try {
      out.writeByte(Wire.REPLY);
      out.writeLong(seq);
      Wire.writeMetrics(out, e.reply().metrics());
      Wire.writeOperations(out, e.reply().operations());
      boolean ok = e.error() == null;
      out.writeBoolean(ok);
      Wire.writeBytes(out, ok ? e.value() : e.error());
      Wire.writeBytes(out, e.subtasks());
      // Every reply is flushed before the next task starts: if that task kills the JVM, the
      // master must know that this one ended, to name the right task in its report.
      out.flush();
    } catch (IOException gone) {
      Runtime.getRuntime().halt(0); // the master is gone
    }
  }

  private void sendRetire(String reason) {
    try {
      out.writeByte(Wire.RETIRE);
      out.writeUTF(reason);
      out.flush();
    } catch (IOException e) {
      // the master is gone: exiting is all that is left either way
    }
    System.exit(0);
  }

  private interface Frame {
    void write(DataOutputStream out) throws IOException;
  }

  private void send(Frame frame) {
    synchronized (outLock) {
      try {
        frame.write(out);
        out.flush();
      } catch (IOException e) {
        Runtime.getRuntime().halt(0);
      }
    }
  }

  private TaskReply failed(Job job, String taskName, Throwable error) {
    TaskMetrics metrics = new TaskMetrics(job.taskNo(), taskName, job.weight(), workerId,
        System.currentTimeMillis(), 0, 0, 0, 0, 0, 0, 0, TaskStatus.FAILED);
    return new TaskReply(job.taskNo(), null, error, List.of(), metrics, List.of());
  }

  private static TaskReply withFailure(TaskReply reply, Throwable error) {
    TaskMetrics m = reply.metrics();
    TaskMetrics failedMetrics = new TaskMetrics(m.taskNo(), m.taskName(), m.weight(),
        m.workerId(), m.startEpochMillis(), m.wallNanos(), m.cpuNanos(), m.allocatedBytes(),
        m.bytesSent(), m.bytesReceived(), m.rssBytes(), m.peakRssBytes(), TaskStatus.FAILED);
    return new TaskReply(reply.taskNo(), null, error, List.of(), failedMetrics,
        reply.operations());
  }

  private MemoryLimitExceededException memoryExceeded(long used) {
    return new MemoryLimitExceededException("worker " + name + " (pid " + pid + ") used "
        + Bytes.human(used) + " of resident memory while running " + currentTask
        + ", above its limit of " + Bytes.human(memoryLimit)
        + " (option memoryLimitMb); the worker is replaced");
  }

  /** Answers for the running task and exits when the process grows past its limit mid-task. */
  private void guardMemory() {
    MemoryProbe own = new MemoryProbe();
    while (true) {
      try {
        Thread.sleep(MEMORY_POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      Job job = current;
      if (job == null) {
        continue;
      }
      own.read();
      if (own.rss() <= memoryLimit) {
        continue;
      }
      synchronized (outLock) {
        if (current != job) {
          continue;
        }
        current = null;
        Definition d;
        synchronized (definitions) {
          d = definitions.get(job.defId());
        }
        String taskName = d == null ? "task" : d.taskName();
        TaskMetrics m = new TaskMetrics(job.taskNo(), taskName, job.weight(), workerId,
            currentStart, (System.currentTimeMillis() - currentStart) * 1_000_000L, 0, 0, 0, 0,
            own.rss(), own.peak(), TaskStatus.FAILED);
        TaskReply reply = new TaskReply(job.taskNo(), null, memoryExceeded(own.rss()), List.of(),
            m, List.of());
        sendLocked(job.seq(), encode(reply));
        try {
          out.writeByte(Wire.RETIRE);
          out.writeUTF("memory limit exceeded");
          out.flush();
        } catch (IOException e) {
          // exiting anyway
        }
        // The task thread may still be allocating: stop at once rather than risk the OOM killer.
        Runtime.getRuntime().halt(0);
      }
    }
  }
}

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
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The main class of a worker JVM. Arguments: worker name, master pid, codec class, memory limit
 * in bytes (0 for none), allowed packages (comma-separated, {@code -} for none). The first line of standard input is {@code <port> <token>}: the worker
 * connects to the master on the loopback address, proves itself with the token and then reads
 * tasks and writes replies on that socket. Its standard output and error are free for user code:
 * the master logs every line, tagged with the worker's name.
 *
 * <p>Tasks run one at a time, in the order they arrive, on the main thread; a reader thread queues
 * them as they come, so several can be in flight (pipelined) and the worker never waits for the
 * master between two tasks.
 */
public final class WorkerMain {
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

  private WorkerMain(String name, Codec codec, long memoryLimit) {
    this.name = name;
    this.workerId = Host.NAME + ":" + pid + "/" + name;
    this.codec = codec;
    this.memoryLimit = memoryLimit;
  }

  /** The system property that names the worker's @argfile, for it to delete at its start. */
  static final String ARG_FILE_PROPERTY = "starmap.worker.argfile";

  /** Runs a worker; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    long t0 = System.nanoTime();
    if (args.length < 5) {
      System.err.println("usage: WorkerMain <name> <master pid> <codec class> <memory limit>"
          + " <allowed packages, comma-separated>");
      System.exit(2);
    }
    deleteArgFile();
    // Class loading and first-time initialization of the task path take most of a worker's start:
    // they run on their own thread while the main thread sets up the watches and connects.
    Thread warmUp = new Thread(WorkerMain::warmUp, "starmap-worker-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    InputStream stdin = new FileInputStream(FileDescriptor.in);
    System.setIn(InputStream.nullInputStream());
    // The parent-death signal is tied to the thread that asks for it: the main thread, which
    // runs the tasks and lives as long as the worker.
    ParentWatch.start(Long.parseLong(args[1]), new HandshakeThenRest(stdin));
    String[] handshake = HandshakeThenRest.firstLine.split(" ");
    WorkerMain worker = new WorkerMain(args[0], Codecs.create(args[2], Codecs.rules(args[4])),
        Long.parseLong(args[3]));
    worker.run(Integer.parseInt(handshake[0]), handshake[1], t0, warmUp);
  }

  /**
   * Deletes the launcher's @argfile, read by now: the master deletes it too once this worker has
   * connected, but a master killed while its workers start would leave it behind. Only a file
   * named as the master names them is deleted.
   */
  private static void deleteArgFile() {
    String file = System.getProperty(ARG_FILE_PROPERTY);
    if (file == null) {
      return;
    }
    Path path = Path.of(file);
    String name = path.getFileName().toString();
    if (name.startsWith("starmap-worker-") && name.endsWith(".args")) {
      try {
        Files.deleteIfExists(path);
      } catch (IOException | RuntimeException e) {
        // the master deletes it once this worker has connected
      }
    }
  }

  private void run(int port, String token, long t0, Thread warmUp) throws IOException {
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

  /** Loads and runs once the classes of the task path, so that the first real task is not slow. */
  private static void warmUp() {
    Task<Object, Object> echo = (a, ctx) -> a;
    Codec warmCodec = new JavaSerializationCodec();
    MemoryProbe warmProbe = new MemoryProbe();
    for (int i = 0; i < 3; i++) {
      TaskReply reply = TaskRunner.run(
          new TaskRequest<>("warm-up", "warm-up", i, echo, (Object) List.of(i), 1.0), "warm-up");
      warmCodec.decode(warmCodec.encode(reply.value()));
      warmCodec.decode(warmCodec.encode(echo));
      try {
        Wire.writeMetrics(new DataOutputStream(new ByteArrayOutputStream()), reply.metrics());
        Wire.writeOperations(new DataOutputStream(new ByteArrayOutputStream()),
            reply.operations());
      } catch (IOException impossible) {
        throw new IllegalStateException(impossible);
      }
      warmProbe.resetPeak();
      warmProbe.readAfter(0);
    }
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

  private interface FrameWriter {
    void write(DataOutputStream out) throws IOException;
  }

  private void send(FrameWriter frame) {
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

  /** Standard input: the handshake line, then nothing until the master dies (the EOF watch). */
  private static final class HandshakeThenRest extends InputStream {
    static String firstLine;
    private final InputStream in;

    HandshakeThenRest(InputStream in) throws IOException {
      this.in = in;
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0 && c != '\n') {
        line.append((char) c);
      }
      if (c < 0) {
        Runtime.getRuntime().halt(0); // the master died before the handshake
      }
      firstLine = line.toString().trim();
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in.read(b, off, len);
    }
  }
}

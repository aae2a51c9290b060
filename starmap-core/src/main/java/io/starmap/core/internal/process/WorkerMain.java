package io.starmap.core.internal.process;

import io.starmap.core.Task;
import io.starmap.core.spi.Codec;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import io.starmap.core.spi.TaskRunner;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The main class of a worker JVM. Arguments: worker name, master pid, codec class, memory limit
 * in bytes (0 for none), allowed packages (comma-separated, {@code -} for none). The first line
 * of standard input is {@code <port> <token>}: the worker connects to the master on the loopback
 * address, proves itself with the token and then reads tasks and writes replies on that socket
 * (the {@link WorkerSession}, on the main thread). Its standard output and error are free for
 * user code: the master logs every line, tagged with the worker's name. This class starts the
 * worker: its @argfile, its warm-up, its watch of the master, and the handshake line.
 */
public final class WorkerMain {
  /** The system property that names the worker's @argfile, for it to delete at its start. */
  static final String ARG_FILE_PROPERTY = "starmap.worker.argfile";

  private WorkerMain() {}

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
    WorkerSession session = new WorkerSession(args[0],
        Codecs.create(args[2], Codecs.rules(args[4])), Long.parseLong(args[3]));
    session.run(Integer.parseInt(handshake[0]), handshake[1], t0, warmUp);
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
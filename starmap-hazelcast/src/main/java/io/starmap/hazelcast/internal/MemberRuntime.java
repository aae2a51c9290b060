package io.starmap.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import io.starmap.core.RemoteTaskException;
import io.starmap.core.StarmapException;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import io.starmap.core.spi.TaskRunner;
import io.starmap.hazelcast.MemberStatus;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker side of a member: answers a master's challenge with the proof that it holds the
 * cluster secret, which opens a session; then decrypts each call of the session (refusing one it
 * cannot decrypt or has seen), and only then reads the task through the allow-list, runs it
 * through {@link TaskRunner} and encrypts the reply for the master.
 */
public final class MemberRuntime {
  private static final Map<String, MemberRuntime> BY_INSTANCE = new ConcurrentHashMap<>();

  private final ClusterCrypto crypto;
  private final MemberSessions sessions = new MemberSessions();
  private final ObjectInputFilter filter;
  private final String version;
  private final String workerId;
  private final int threads;
  private final long startMillis = System.currentTimeMillis();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong completed = new AtomicLong();
  private volatile String address = "?";
  /** Calls by id: a repeated call waits for the first one's reply instead of running again. */
  private final Map<String, Call> calls = new ConcurrentHashMap<>();
  /** Completed calls, oldest first, forgotten after {@link #KEEP_NANOS} or beyond the budget. */
  private final java.util.concurrent.ConcurrentLinkedQueue<Done> done =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final AtomicLong keptBytes = new AtomicLong();
  /**
   * How long a reply is kept for a repeated call: longer than a master keeps calling again after
   * it lost its connection (15 calls 2 s apart).
   */
  static final long KEEP_NANOS = 60_000_000_000L;
  private final long keepBudgetBytes = Runtime.getRuntime().maxMemory() / 8;

  private static final class Call {
    final java.util.concurrent.CompletableFuture<byte[]> reply =
        new java.util.concurrent.CompletableFuture<>();
  }

  private record Done(String id, long nanos, int bytes) {}

  /**
   * A runtime for one member.
   *
   * @param secret the shared secret
   * @param allow extra allow-list patterns
   * @param version this member's Starmap version
   * @param workerId {@code host:pid}
   * @param threads tasks run at once
   */
  public MemberRuntime(String secret, List<String> allow, String version, String workerId,
      int threads) {
    this.crypto = new ClusterCrypto(secret);
    this.filter = Wire.filter(allow);
    this.version = version;
    this.workerId = workerId;
    this.threads = threads;
  }

  /** The runtime of the member {@code instance}, or null. */
  static MemberRuntime of(HazelcastInstance instance) {
    return BY_INSTANCE.get(instance.getName());
  }

  /** Makes this the runtime of the member named {@code instanceName}. */
  public void register(String instanceName, String memberAddress) {
    this.address = memberAddress;
    BY_INSTANCE.put(instanceName, this);
  }

  /** Forgets the member named {@code instanceName}. */
  public static void unregister(String instanceName) {
    BY_INSTANCE.remove(instanceName);
  }

  /** Tasks running now. */
  public int running() {
    return running.get();
  }

  /**
   * Answers {@code call}.
   *
   * @param member this member's {@code uuid|host:port}, which the handshake proves
   */
  byte[] handle(SignedCall call, String member) {
    if (call.callId() == null || call.version() == null || call.body() == null) {
      return Reply.refused("member " + address + " (" + workerId + ") refused a malformed call");
    }
    if (!version.equals(call.version())) {
      return Reply.refused("member " + address + " (" + workerId + ") runs Starmap " + version
          + " and refused a call from a master that runs Starmap " + call.version());
    }
    if (call.kind() == SignedCall.HELLO) {
      if (call.body().length != ClusterCrypto.NONCE_LENGTH) {
        return Reply.refused("member " + address + " refused a malformed challenge");
      }
      Handshake.Answer answer = Handshake.answer(crypto, call.body(), member, version, workerId,
          threads);
      sessions.open(answer.session());
      return Reply.hello(answer.body());
    }
    MemberSessions.Window window = call.session() == null ? null : sessions.get(call.session());
    if (window == null) {
      return Reply.refused("member " + address + " (" + workerId + ") refused a call of a"
          + " session it does not know (forgotten, or never opened)");
    }
    byte[] plain = ClusterCrypto.open(window.session.keys().toMember(), call.counter(),
        call.aad(), call.body(), 0, call.body().length);
    if (plain == null) {
      return Reply.refused("member " + address + " (" + workerId + ") refused a call that does"
          + " not decrypt with its session's keys (forged, altered, or sent with another"
          + " cluster secret)");
    }
    // Checked after the decryption, so that a forged call cannot spend a genuine counter.
    if (!window.accept(call.counter())) {
      return Reply.refused("member " + address + " (" + workerId + ") refused call "
          + call.callId() + ": its counter " + call.counter()
          + " was used before or is too old (a replayed call)");
    }
    return switch (call.kind()) {
      case SignedCall.TASK -> runOnce(call, window.session, plain);
      case SignedCall.STATUS -> status(window.session, call);
      default -> Reply.refused("member " + address + " does not know call kind " + call.kind());
    };
  }

  private byte[] runOnce(SignedCall call, Handshake.Session session, byte[] plain) {
    forgetOldCalls();
    Call mine = new Call();
    String key = session.id() + "/" + call.callId();
    Call first = calls.putIfAbsent(key, mine);
    if (first != null) {
      try {
        return first.reply.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Reply.refused("member " + address + " was interrupted while it waited for the"
            + " first run of call " + call.callId());
      } catch (java.util.concurrent.ExecutionException e) {
        return Reply.refused("member " + address + " failed to run call " + call.callId() + ": "
            + e.getCause());
      }
    }
    byte[] reply = null;
    try {
      reply = runTask(call, session, plain);
      mine.reply.complete(reply);
      return reply;
    } catch (RuntimeException | Error e) {
      mine.reply.completeExceptionally(e);
      throw e;
    } finally {
      int size = reply == null ? 0 : reply.length;
      keptBytes.addAndGet(size);
      done.add(new Done(key, System.nanoTime(), size));
    }
  }

  private void forgetOldCalls() {
    // Oldest first: a reply is dropped once a repeated call can no longer come, or earlier when
    // the kept replies would take more than an eighth of the heap.
    long now = System.nanoTime();
    for (Done d = done.peek(); d != null; d = done.peek()) {
      if (now - d.nanos() < KEEP_NANOS && keptBytes.get() <= keepBudgetBytes) {
        return;
      }
      if (done.remove(d)) {
        calls.remove(d.id());
        keptBytes.addAndGet(-d.bytes());
      }
    }
  }

  private byte[] runTask(SignedCall call, Handshake.Session session, byte[] payload) {
    Object decoded;
    try {
      decoded = Wire.deserialize(payload, filter);
    } catch (Wire.RejectedClassException e) {
      return Reply.refused("member " + address + " (" + workerId + ") refused the task: "
          + e.getMessage() + "; start the member with --allow '" + packagePattern(e.className())
          + "' (or STARMAP_CLUSTER_ALLOW) to accept it");
    } catch (ClassNotFoundException e) {
      return Reply.refused("member " + address + " (" + workerId + ") cannot load class "
          + e.getMessage() + ": put the application's jars on the member's class path");
    } catch (IOException | RuntimeException e) {
      return Reply.refused("member " + address + " (" + workerId + ") cannot read the task: "
          + e);
    }
    if (!(decoded instanceof TaskRequest<?, ?> request)) {
      return Reply.refused("member " + address + " received a " + decoded.getClass().getName()
          + " where a task was expected");
    }
    running.incrementAndGet();
    TaskReply reply;
    try {
      reply = TaskRunner.run(request, workerId);
    } finally {
      running.decrementAndGet();
      completed.incrementAndGet();
    }
    return Reply.sealed(session, call, encode(request, reply));
  }

  private byte[] encode(TaskRequest<?, ?> request, TaskReply reply) {
    if (reply.error() != null) {
      reply = reply.withError(portable(reply.error()));
    }
    try {
      return Wire.serialize(reply);
    } catch (IOException | RuntimeException e) {
      // The value or a subtask cannot be serialized: the task succeeded here but its result
      // cannot reach the master, which is a failure of the task as far as the run goes.
      TaskMetrics m = reply.metrics();
      TaskMetrics failed = new TaskMetrics(m.taskNo(), m.taskName(), m.weight(), m.workerId(),
          m.startEpochMillis(), m.wallNanos(), m.cpuNanos(), m.allocatedBytes(), 0, 0, 0, 0,
          TaskStatus.FAILED);
      StarmapException error = new StarmapException("the result of task " + request.taskName()
          + "#" + request.taskNo() + " cannot be sent from member " + workerId
          + " to the master: " + e, portable(e));
      try {
        return Wire.serialize(new TaskReply(reply.taskNo(), null, error, List.of(), failed,
            reply.operations()));
      } catch (IOException again) {
        throw new IllegalStateException("cannot serialize a failure reply", again);
      }
    }
  }

  /**
   * {@code error} if the master can read it back, else a {@link RemoteTaskException} copy that
   * says why and how to allow the class.
   */
  Throwable portable(Throwable error) {
    try {
      Wire.deserialize(Wire.serialize(error), filter);
      return error;
    } catch (Wire.RejectedClassException e) {
      String pattern = packagePattern(e.className());
      return RemoteTaskException.copyOf(error, "sent as a copy: " + e.getMessage()
          + "; to receive it as itself, start the members with --allow '" + pattern
          + "' and give the master the option allow=" + pattern + " (or STARMAP_CLUSTER_ALLOW)");
    } catch (java.io.NotSerializableException e) {
      return RemoteTaskException.copyOf(error, "sent as a copy: it cannot be serialized ("
          + e.getMessage() + ")");
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return RemoteTaskException.copyOf(error, "sent as a copy: " + e);
    }
  }

  private byte[] status(Handshake.Session session, SignedCall call) {
    Runtime rt = Runtime.getRuntime();
    MemberStatus status = new MemberStatus(address, workerId, version, "ok",
        rt.availableProcessors(), threads, running.get(), completed.get(),
        rt.totalMemory() - rt.freeMemory(), rt.maxMemory(),
        System.currentTimeMillis() - startMillis);
    try {
      return Reply.sealed(session, call, Wire.serialize(status));
    } catch (IOException e) {
      return Reply.refused("member " + address + " cannot serialize its status: " + e);
    }
  }

  private static String packagePattern(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(0, dot) + ".**";
  }
}

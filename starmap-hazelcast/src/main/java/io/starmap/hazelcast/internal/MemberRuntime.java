package io.starmap.hazelcast.internal;

import com.hazelcast.core.HazelcastInstance;
import io.starmap.core.StarmapException;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import io.starmap.core.spi.TaskRunner;
import io.starmap.hazelcast.MemberStatus;
import io.starmap.hazelcast.RemoteTaskException;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker side of a member: checks each call's signature and version, then (and only then)
 * reads the task through the allow-list, runs it through {@link TaskRunner} and signs the reply.
 */
public final class MemberRuntime {
  private static final Map<String, MemberRuntime> BY_INSTANCE = new ConcurrentHashMap<>();

  private final Wire.Signer signer;
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
    this.signer = new Wire.Signer(secret);
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

  /** The signer of this member's secret. */
  public Wire.Signer signer() {
    return signer;
  }

  /** Tasks running now. */
  public int running() {
    return running.get();
  }

  byte[] handle(SignedCall call) {
    if (!signer.verify(call.signature(), call.signedParts())) {
      return Reply.refused("member " + address + " (" + workerId + ") refused a call whose"
          + " signature does not match its cluster secret: the master uses another secret");
    }
    if (!version.equals(call.version())) {
      return Reply.refused("member " + address + " (" + workerId + ") runs Starmap " + version
          + " and refused a call from a master that runs Starmap " + call.version());
    }
    return switch (call.kind()) {
      case SignedCall.TASK -> runOnce(call);
      case SignedCall.STATUS -> status();
      default -> Reply.refused("member " + address + " does not know call kind " + call.kind());
    };
  }

  private byte[] runOnce(SignedCall call) {
    forgetOldCalls();
    Call mine = new Call();
    Call first = calls.putIfAbsent(call.callId(), mine);
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
      reply = runTask(call.payload());
      mine.reply.complete(reply);
      return reply;
    } catch (RuntimeException | Error e) {
      mine.reply.completeExceptionally(e);
      throw e;
    } finally {
      int size = reply == null ? 0 : reply.length;
      keptBytes.addAndGet(size);
      done.add(new Done(call.callId(), System.nanoTime(), size));
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

  private byte[] runTask(byte[] payload) {
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
    return Reply.signed(signer, encode(request, reply));
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

  /** {@code error} if the master can read it back, else a {@link RemoteTaskException} copy. */
  Throwable portable(Throwable error) {
    try {
      Wire.deserialize(Wire.serialize(error), filter);
      return error;
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      return copy(error, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    }
  }

  private static Throwable copy(Throwable t, Set<Throwable> seen) {
    seen.add(t);
    RemoteTaskException c = new RemoteTaskException(t.getClass().getName(), t.getMessage());
    c.setStackTrace(t.getStackTrace());
    if (t.getCause() != null && !seen.contains(t.getCause())) {
      c.initCause(copy(t.getCause(), seen));
    }
    for (Throwable s : t.getSuppressed()) {
      if (!seen.contains(s)) {
        c.addSuppressed(copy(s, seen));
      }
    }
    return c;
  }

  private byte[] status() {
    Runtime rt = Runtime.getRuntime();
    MemberStatus status = new MemberStatus(address, workerId, version, "ok",
        rt.availableProcessors(), threads, running.get(), completed.get(),
        rt.totalMemory() - rt.freeMemory(), rt.maxMemory(),
        System.currentTimeMillis() - startMillis);
    try {
      return Reply.signed(signer, Wire.serialize(status));
    } catch (IOException e) {
      return Reply.refused("member " + address + " cannot serialize its status: " + e);
    }
  }

  private static String packagePattern(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(0, dot) + ".**";
  }
}

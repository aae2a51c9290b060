package io.starmap.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import io.starmap.core.StarmapException;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.WorkerLostException;
import io.starmap.core.spi.TaskExecutor;
import io.starmap.core.spi.TaskExecutor.ReplySink;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import io.starmap.hazelcast.internal.HazelcastSetup;
import io.starmap.hazelcast.internal.Reply;
import io.starmap.hazelcast.internal.SignedCall;
import io.starmap.hazelcast.internal.Wire;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The cluster executor's dispatch: each task to the least loaded usable target (a member, or the
 * master's own threads), sealed for that member's session, and its reply read back. A call that
 * loses contact with its member goes to {@link LossRecovery}.
 */
final class Dispatcher {
  private static final System.Logger LOG = System.getLogger("io.starmap.hazelcast");
  private static final long NO_MEMBER_WAIT_MILLIS = 10_000;
  private static final long CANCEL_WAIT_MILLIS = 30_000;
  private static final long DISCONNECTED_CANCEL_WAIT_MILLIS = 2_000;

  private final ClusterSettings settings;
  private final IExecutorService remote;
  private final ObjectInputFilter filter;
  private final String version;
  private final Map<UUID, Target> targets;
  private final Map<UUID, String> refused;
  private final TaskExecutor local;
  private final Target localTarget;
  private final ExecutorService callbacks;
  final ScheduledExecutorService timer;
  final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
  final LossRecovery recovery;
  private final java.util.function.Supplier<String> whyGone;
  private volatile boolean closed;

  Dispatcher(ClusterSettings settings, HazelcastInstance client, ClusterMembers view,
      String version, ObjectInputFilter filter, ExecutorService callbacks, TaskExecutor local,
      Target localTarget) {
    this.settings = settings;
    this.remote = client.getExecutorService(HazelcastSetup.EXECUTOR);
    this.filter = filter;
    this.version = version;
    this.targets = view.targets();
    this.refused = view.refused();
    this.local = local;
    this.localTarget = localTarget;
    this.callbacks = callbacks;
    this.timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("starmap-cluster-timer").factory());
    this.whyGone = SlurmJob.whyGone(settings, LocalWorkers.directory(System.getenv()));
    this.recovery = new LossRecovery(this, client);
  }

  /** Why the members are gone, when they ran as a Slurm job that ended; else empty. */
  String whyGone() {
    return whyGone.get();
  }

  boolean closed() {
    return closed;
  }

  String cluster() {
    return settings.cluster();
  }

  /** The target with the lowest load, not one of {@code exclude}; null if there is none. */
  Target pick(List<Target> exclude) {
    Target best = null;
    for (Target t : targets.values()) {
      if (!exclude.contains(t) && (best == null || t.load() < best.load())) {
        best = t;
      }
    }
    if (localTarget != null && (best == null || localTarget.load() < best.load())) {
      best = localTarget;
    }
    return best;
  }

  void submit(TaskRequest<?, ?> request, ReplySink sink) {
    Target target = pick(List.of());
    if (target != null && target == localTarget) {
      runLocally(new Attempt(request, sink, null, target, List.of()));
      return;
    }
    byte[] payload;
    try {
      payload = Wire.serialize(request);
    } catch (IOException | RuntimeException e) {
      sink.accept(failure(new Attempt(request, sink, null, null, List.of()), "master",
          new StarmapException("task " + request.taskName() + "#" + request.taskNo()
              + " cannot be sent to cluster '" + settings.cluster() + "': its task or its"
              + " argument is not serializable: " + e, e)));
      return;
    }
    dispatch(request, sink, payload, target, List.of());
  }

  void dispatch(TaskRequest<?, ?> request, ReplySink sink, byte[] payload, Target target,
      List<Target> lost) {
    dispatch(request, sink, payload, target, lost, System.nanoTime() + NO_MEMBER_WAIT_MILLIS
        * 1_000_000);
  }

  private void dispatch(TaskRequest<?, ?> request, ReplySink sink, byte[] payload,
      Target target, List<Target> lost, long deadline) {
    if (target == null && !closed && System.nanoTime() < deadline) {
      // Members come and go (and the client's list flickers when one leaves): wait a little
      // for one rather than fail a task that could run.
      try {
        timer.schedule(() -> dispatch(request, sink, payload, pick(lost), lost, deadline), 100,
            TimeUnit.MILLISECONDS);
        return;
      } catch (RejectedExecutionException e) {
        // closed meanwhile: fail below
      }
    }
    if (target == null) {
      Attempt a = new Attempt(request, sink, payload, null, lost);
      String why = "no usable member is left in cluster '" + settings.cluster() + "' to run task "
          + a.task()
          + (lost.isEmpty() ? "" : " after member " + lost.get(lost.size() - 1).description
              + " left while it ran it")
          + (refused.isEmpty() ? "" : "; " + String.join("; ", refused.values())) + whyGone();
      sink.accept(failure(a, lost.isEmpty() ? "master" : lost.get(lost.size() - 1).workerId,
          lost.isEmpty() ? new StarmapException(why) : new WorkerLostException(why)));
      return;
    }
    Attempt a = new Attempt(request, sink, payload, target, lost);
    target.inFlight.incrementAndGet();
    attempts.put(a.key, a);
    call(a);
  }

  void call(Attempt a) {
    try {
      // Sealed for each call: a call made again gets a new counter, which the member accepts
      // once, and answers with the reply of the first run of the call id.
      Future<byte[]> f = remote.submitToMember(SignedCall.sealed(SignedCall.TASK, a.callId,
          version, a.target.session, a.payload), a.target.member);
      a.future = f;
      if (a.cancelled) {
        cancelRemote(List.of(f)); // cancelled meanwhile: what cancelAll could not reach yet
      }
      if (f instanceof CompletableFuture<byte[]> cf) {
        cf.whenCompleteAsync((bytes, error) -> complete(a, bytes, error), callbacks);
      } else {
        callbacks.execute(() -> {
          try {
            complete(a, f.get(), null);
          } catch (ExecutionException | CancellationException e) {
            complete(a, null, e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
    } catch (RuntimeException e) {
      complete(a, null, e);
    }
  }

  private void runLocally(Attempt a) {
    a.target.inFlight.incrementAndGet();
    attempts.put(a.key, a);
    local.submit(a.request, reply -> {
      if (attempts.remove(a.key, a)) {
        a.target.inFlight.decrementAndGet();
        a.sink.accept(reply);
      }
    });
  }

  private void complete(Attempt a, byte[] bytes, Throwable error) {
    if (error != null && !closed && !a.cancelled && recovery.lostContact(a, error)) {
      return;
    }
    if (!attempts.remove(a.key, a)) {
      return; // cancelled, or already handled as a lost member
    }
    a.target.inFlight.decrementAndGet();
    try {
      if (error == null) {
        a.sink.accept(read(a, bytes));
        return;
      }
      Throwable cause = LossRecovery.unwrap(error);
      if (closed || a.cancelled) {
        return;
      }
      a.sink.accept(failure(a, a.target.workerId, new StarmapException("the call of task "
          + a.task() + " on member " + a.target.description + " failed: " + cause, cause)));
    } catch (RuntimeException e) {
      // Never leave the run waiting for a reply that will not come.
      a.sink.accept(failure(a, a.target.workerId, new StarmapException("cannot read the reply"
          + " of task " + a.task() + " from member " + a.target.description + ": " + e, e)));
    }
  }

  private TaskReply read(Attempt a, byte[] bytes) {
    Reply r = Reply.parse(bytes);
    String task = a.task();
    if (r.refusal() != null) {
      return failure(a, a.target.workerId, new StarmapException(r.refusal()), bytes.length);
    }
    byte[] plain = r.open(a.target.session, SignedCall.TASK, a.callId, version);
    if (plain == null) {
      return failure(a, a.target.workerId, new StarmapException("the reply of task " + task
          + " from member " + a.target.description + " does not decrypt with the keys of its"
          + " session (forged or altered on the way) and was not read"), bytes.length);
    }
    Object decoded;
    try {
      decoded = Wire.deserialize(plain, filter);
    } catch (Wire.RejectedClassException e) {
      return failure(a, a.target.workerId, new StarmapException("the result of task " + task
          + " from member " + a.target.description + " was refused: " + e.getMessage()
          + "; allow it with option allow (or STARMAP_CLUSTER_ALLOW), such as '"
          + e.className().replaceAll("\\.[^.]*$", ".**") + "'", e), bytes.length);
    } catch (IOException | ClassNotFoundException e) {
      return failure(a, a.target.workerId, new StarmapException("cannot read the result of task "
          + task + " from member " + a.target.description + ": " + e, e), bytes.length);
    }
    if (!(decoded instanceof TaskReply reply) || reply.taskNo() != a.request.taskNo()) {
      return failure(a, a.target.workerId, new StarmapException("member "
          + a.target.description + " answered task " + task + " with something else"),
          bytes.length);
    }
    return reply.withTransfer(a.payload.length, plain.length);
  }

  TaskReply failure(Attempt a, String workerId, Throwable error) {
    return failure(a, workerId, error, 0);
  }

  private static TaskReply failure(Attempt a, String workerId, Throwable error, long received) {
    TaskRequest<?, ?> r = a.request;
    TaskMetrics m = new TaskMetrics(r.taskNo(), r.taskName(), r.weight(), workerId, a.startMillis,
        System.nanoTime() - a.startNanos, 0, 0, a.payload == null ? 0 : a.payload.length,
        received, 0, 0, TaskStatus.FAILED);
    return new TaskReply(r.taskNo(), null, error, List.of(), m, List.of());
  }

  void cancelAll() {
    List<Future<?>> remoteCalls = new ArrayList<>();
    for (Attempt a : attempts.values()) {
      if (attempts.remove(a.key, a)) {
        a.cancelled = true;
        a.target.inFlight.decrementAndGet();
        if (a.future != null) {
          remoteCalls.add(a.future);
        }
      }
    }
    cancelRemote(remoteCalls);
    if (local != null) {
      local.cancelAll();
    }
  }

  /**
   * Cancels the members' calls and waits until the cancels are through: a cancel is a call of
   * its own, which a connected client makes in milliseconds. A disconnected one (every member
   * gone at once) holds it until its reconnect timeout gives up, which must not hold back the
   * failure of the run: then the wait ends after {@link #DISCONNECTED_CANCEL_WAIT_MILLIS}.
   */
  private void cancelRemote(List<Future<?>> calls) {
    List<Future<?>> cancels = new ArrayList<>();
    for (Future<?> call : calls) {
      try {
        cancels.add(callbacks.submit(() -> cancelQuietly(call)));
      } catch (RejectedExecutionException closed) {
        return; // shut down: the client, and so the calls, are gone
      }
    }
    long start = System.nanoTime();
    boolean interrupted = false;
    try {
      for (Future<?> cancel : cancels) {
        while (!awaited(cancel)) {
          long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
          if (waited > (recovery.connected() ? CANCEL_WAIT_MILLIS
              : DISCONNECTED_CANCEL_WAIT_MILLIS)) {
            return; // left to end with the client's reconnect timeout, or its shutdown
          }
          interrupted |= Thread.interrupted(); // the cancels are sent all the same
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether {@code cancel} is done, after waiting for it a moment. */
  private static boolean awaited(Future<?> cancel) {
    try {
      cancel.get(50, TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException notYet) {
      return false;
    } catch (ExecutionException e) {
      LOG.log(Level.DEBUG, "a cancel failed", e.getCause());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // taken again by the caller's loop
      return false;
    }
  }

  private static void cancelQuietly(Future<?> call) {
    try {
      call.cancel(true);
    } catch (com.hazelcast.client.HazelcastClientNotActiveException
        | com.hazelcast.core.HazelcastInstanceNotActiveException gone) {
      // the client shuts down once every member is gone: nothing is left to cancel, and the
      // run's failure, not this, is what its caller must see
    }
  }

  /** Cancels what runs and marks the dispatch closed: no reply is delivered after this. */
  void close() {
    cancelAll();
    closed = true;
    if (local != null) {
      local.close();
    }
  }

  /** Stops the callback and timer threads; the timer's is gone when this returns. */
  void shutdownThreads() {
    callbacks.shutdownNow();
    timer.shutdownNow();
    try {
      // Gone when close returns, as the contract of executors asks of their threads.
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

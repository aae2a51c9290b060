package io.starmap.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.starmap.core.Idempotent;
import io.starmap.core.StarmapException;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.WorkerLostException;
import io.starmap.core.spi.TaskExecutor;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import io.starmap.hazelcast.internal.ClusterCrypto;
import io.starmap.hazelcast.internal.Handshake;
import io.starmap.hazelcast.internal.HazelcastSetup;
import io.starmap.hazelcast.internal.Reply;
import io.starmap.hazelcast.internal.SignedCall;
import io.starmap.hazelcast.internal.StarmapVersion;
import io.starmap.hazelcast.internal.Wire;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The {@code cluster} executor: runs tasks on the members of a Hazelcast cluster of Starmap
 * workers ({@code starmap worker}, {@link WorkerMember}).
 *
 * <p>The master joins as a Hazelcast <em>client</em>, not as a member: it opens no port, owns
 * no partitions and takes no part in the members' heartbeats, so a master that comes and goes
 * with each run costs the cluster nothing, and tasks can only land on the data members (the
 * master runs tasks too only with {@code includeMaster}, on its own threads).
 *
 * <p>A member is used only after it proved, in a {@link Handshake} with a fresh challenge, that
 * it holds the cluster secret; that opens a session with keys of its own. Each task is
 * serialized here, encrypted with the session's key and sent to the least loaded usable member,
 * which refuses a call it cannot decrypt or has seen before reading anything, runs the task
 * through {@link io.starmap.core.spi.TaskRunner} (worker id {@code host:pid}) and sends back an
 * encrypted reply; the bytes both ways are counted exactly. A member that leaves while it runs a
 * task: an {@link Idempotent} task runs once more on another member, any other fails with a
 * {@link WorkerLostException} naming the member. Members of another Starmap version, or started
 * with another secret, are refused.
 *
 * <p>A member queues the tasks it has no free thread for. They start in about the order sent,
 * not exactly: the member reads incoming calls on several threads (measured: in 1 run of 8,
 * task 0 of 8 started after tasks 2 and 4 on its member).
 *
 * <p>For several runs on one connection, make one and pass it to {@code
 * Starmap.builder(...).executor(clusterExecutor)}; close it at the end.
 */
public final class ClusterExecutor implements TaskExecutor {
  private static final System.Logger LOG = System.getLogger("io.starmap.hazelcast");
  private static final long REMOVAL_GRACE_MILLIS = 2_000;
  private static final long NO_MEMBER_WAIT_MILLIS = 10_000;
  private static final int MAX_CALLS = 15;

  private final ClusterSettings settings;
  private final HazelcastInstance client;
  private final IExecutorService remote;
  private final ObjectInputFilter filter;
  private final String version = StarmapVersion.current();
  private final ClusterMembers view;
  private final Map<UUID, Target> targets;
  private final Map<UUID, String> refused;
  private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
  private final ExecutorService callbacks;
  private final ScheduledExecutorService timer;
  private final TaskExecutor local;
  private final Target localTarget;
  private final int workers;
  private volatile boolean closed;

  /**
   * One dispatch of one task to one target. Re-running the task elsewhere is a new attempt with
   * a new call id; calling the same member again after a lost connection keeps the call id, so
   * that the member answers with the first run's reply instead of running the task twice.
   */
  private static final class Attempt {
    final String key;
    final String callId;
    final TaskRequest<?, ?> request;
    final ReplySink sink;
    final byte[] payload;
    final Target target;
    final List<Target> lost;
    final int calls;
    final long startMillis;
    final long startNanos;
    volatile Future<?> future;
    volatile boolean cancelled;

    Attempt(TaskRequest<?, ?> request, ReplySink sink, byte[] payload, Target target,
        List<Target> lost) {
      this.key = request.runId() + "#" + request.taskNo();
      this.callId = key + "/" + UUID.randomUUID();
      this.request = request;
      this.sink = sink;
      this.payload = payload;
      this.target = target;
      this.lost = lost;
      this.calls = 1;
      this.startMillis = System.currentTimeMillis();
      this.startNanos = System.nanoTime();
    }

    /** The same call made again. */
    Attempt(Attempt first) {
      this.key = first.key;
      this.callId = first.callId;
      this.request = first.request;
      this.sink = first.sink;
      this.payload = first.payload;
      this.target = first.target;
      this.lost = first.lost;
      this.calls = first.calls + 1;
      this.startMillis = first.startMillis;
      this.startNanos = first.startNanos;
    }
  }

  private ClusterExecutor(ClusterSettings settings, HazelcastInstance client) {
    this.settings = settings;
    this.client = client;
    this.remote = client.getExecutorService(HazelcastSetup.EXECUTOR);
    this.filter = Wire.filter(settings.allow());
    this.callbacks = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("starmap-cluster-reply-", 1).factory());
    this.view = new ClusterMembers(client, new ClusterCrypto(settings.secret()), version, filter,
        callbacks, false);
    this.targets = view.targets();
    this.refused = view.refused();
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("starmap-cluster-timer").factory());
    if (settings.includeMaster()) {
      int cores = Runtime.getRuntime().availableProcessors();
      this.local = TaskExecutor.threads(cores);
      this.localTarget = new Target(null, "master", "the master", cores, null);
    } else {
      this.local = null;
      this.localTarget = null;
    }
    client.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        view.consider(event.getMember());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        removed(event.getMember());
      }
    });
    for (Member m : client.getCluster().getMembers()) {
      view.consider(m);
    }
    this.workers = awaitMembers();
  }

  /**
   * Connects to the cluster and waits for {@code settings.minMembers()} usable members.
   *
   * @param settings where the cluster is, its name, its secret and how long to wait
   * @return a connected executor; close it to disconnect (the members keep running)
   * @throws StarmapException when the cluster cannot be reached, or not enough usable members
   *     joined in time (the message gives every refused member and why)
   */
  public static ClusterExecutor connect(ClusterSettings settings) {
    return new ClusterExecutor(settings, connectClient(settings));
  }

  private static HazelcastInstance connectClient(ClusterSettings settings) {
    HazelcastSetup.quietLogging(java.util.logging.Level.OFF);
    long connectMillis = Math.max(5_000, settings.waitFor().toMillis());
    try {
      return HazelcastClient.newHazelcastClient(HazelcastSetup.client(
          "starmap-master-" + UUID.randomUUID(), settings.cluster(), settings.join(),
          connectMillis));
    } catch (RuntimeException e) {
      throw new StarmapException("cannot reach cluster '" + settings.cluster() + "' at "
          + String.join(",", settings.join()) + " within " + connectMillis / 1000 + " s: "
          + e.getMessage() + " (are workers running? 'starmap workers start' starts local ones;"
          + " the cluster name must match theirs)", e);
    }
  }

  /**
   * The status of every member of the cluster, usable or refused, without running a task.
   *
   * @param settings where the cluster is, its name and its secret
   * @return one status per data member, usable or refused; refused ones give their reason
   * @throws StarmapException when the cluster cannot be reached
   */
  public static List<MemberStatus> status(ClusterSettings settings) {
    ClusterExecutor executor = new ClusterExecutor(settings.withMinMembers(1)
        .withWait(java.time.Duration.ZERO), connectClient(settings), true);
    try {
      return executor.members();
    } finally {
      executor.close();
    }
  }

  // A view for status only: no waiting for members.
  private ClusterExecutor(ClusterSettings settings, HazelcastInstance client, boolean statusOnly) {
    this.settings = settings;
    this.client = client;
    this.remote = client.getExecutorService(HazelcastSetup.EXECUTOR);
    this.filter = Wire.filter(settings.allow());
    this.callbacks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().factory());
    this.view = new ClusterMembers(client, new ClusterCrypto(settings.secret()), version, filter,
        callbacks, statusOnly);
    this.targets = view.targets();
    this.refused = view.refused();
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("starmap-cluster-timer").factory());
    this.local = null;
    this.localTarget = null;
    for (Member m : client.getCluster().getMembers()) {
      view.consider(m);
    }
    this.workers = 0;
  }

  private void removed(Member m) {
    refused.remove(m.getUuid());
    Target t = targets.remove(m.getUuid());
    if (t == null || closed) {
      return;
    }
    // The client reports every member removed when it loses the member it takes the member
    // list from, and re-adds the living ones at once: only a member still missing after a grace
    // period has left. Its calls usually fail sooner on their own (closed connection).
    try {
      timer.schedule(() -> confirmRemoved(m.getUuid()), REMOVAL_GRACE_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closed meanwhile: nothing waits for its tasks any more
    }
  }

  private void confirmRemoved(UUID uuid) {
    if (closed || isMember(uuid)) {
      return;
    }
    for (Attempt a : attempts.values()) {
      if (a.target.member != null && a.target.member.getUuid().equals(uuid)
          && attempts.remove(a.key, a)) {
        memberLost(a, null);
      }
    }
  }

  private boolean isMember(UUID uuid) {
    try {
      return client.getCluster().getMembers().stream().anyMatch(m -> m.getUuid().equals(uuid));
    } catch (RuntimeException e) {
      return false;
    }
  }

  private int awaitMembers() {
    long deadline = System.nanoTime() + settings.waitFor().toNanos();
    long refusedSince = 0;
    while (true) {
      if (targets.size() >= settings.minMembers()) {
        int slots = targets.values().stream().mapToInt(t -> t.slots).sum();
        return slots + (localTarget == null ? 0 : localTarget.slots);
      }
      long now = System.nanoTime();
      // A refused member will not change its mind: once the membership is quiet for a moment,
      // say so instead of waiting for the whole timeout.
      refusedSince = refused.isEmpty() || view.handshaking() ? 0
          : (refusedSince == 0 ? now : refusedSince);
      boolean hopeless = refusedSince != 0 && now - refusedSince > 2_000_000_000L;
      if (now >= deadline || hopeless) {
        String message = "cluster '" + settings.cluster() + "' at "
            + String.join(",", settings.join()) + " has " + targets.size()
            + " usable member(s), " + settings.minMembers() + " needed"
            + (hopeless ? "" : " (waited " + settings.waitFor().toSeconds() + " s)")
            + (refused.isEmpty() ? "" : "; " + String.join("; ", refused.values()));
        close();
        throw new StarmapException(message);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new StarmapException("interrupted while waiting for members of cluster '"
            + settings.cluster() + "'", e);
      }
    }
  }

  @Override
  public String name() {
    return "cluster";
  }

  /** The task slots of the usable members when connected (plus the master's with includeMaster). */
  @Override
  public int workers() {
    return workers;
  }

  /**
   * The settings this executor connected with.
   *
   * @return the validated settings given to {@link #connect}
   */
  public ClusterSettings settings() {
    return settings;
  }

  @Override
  public void submit(TaskRequest<?, ?> request, ReplySink sink) {
    if (closed) {
      throw new IllegalStateException("the cluster executor of cluster '" + settings.cluster()
          + "' is closed");
    }
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

  private Target pick(List<Target> exclude) {
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

  private void dispatch(TaskRequest<?, ?> request, ReplySink sink, byte[] payload,
      Target target, List<Target> lost) {
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
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed meanwhile: fail below
      }
    }
    if (target == null) {
      Attempt a = new Attempt(request, sink, payload, null, lost);
      String why = "no usable member is left in cluster '" + settings.cluster() + "' to run task "
          + request.taskName() + "#" + request.taskNo()
          + (lost.isEmpty() ? "" : " after member " + lost.get(lost.size() - 1).description
              + " left while it ran it")
          + (refused.isEmpty() ? "" : "; " + String.join("; ", refused.values()));
      sink.accept(failure(a, lost.isEmpty() ? "master" : lost.get(lost.size() - 1).workerId,
          lost.isEmpty() ? new StarmapException(why) : new WorkerLostException(why)));
      return;
    }
    Attempt a = new Attempt(request, sink, payload, target, lost);
    target.inFlight.incrementAndGet();
    attempts.put(a.key, a);
    call(a);
  }

  private void call(Attempt a) {
    try {
      // Sealed for each call: a call made again gets a new counter, which the member accepts
      // once, and answers with the reply of the first run of the call id.
      Future<byte[]> f = remote.submitToMember(SignedCall.sealed(SignedCall.TASK, a.callId,
          version, a.target.session, a.payload), a.target.member);
      a.future = f;
      if (a.cancelled) {
        f.cancel(true);
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
    if (error != null && !closed && !a.cancelled && lostContact(unwrap(error))) {
      if (attempts.get(a.key) == a) {
        // Decided after a grace period: the client also fails calls to members that are alive
        // when its member list flickers, and a member that died takes a moment to leave it.
        Throwable cause = unwrap(error);
        try {
          timer.schedule(() -> afterLostContact(a, cause), REMOVAL_GRACE_MILLIS,
              TimeUnit.MILLISECONDS);
          return;
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // closed meanwhile
        }
      }
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
      Throwable cause = unwrap(error);
      if (closed || a.cancelled) {
        return;
      }
      a.sink.accept(failure(a, a.target.workerId, new StarmapException("the call of task "
          + a.request.taskName() + "#" + a.request.taskNo() + " on member "
          + a.target.description + " failed: " + cause, cause)));
    } catch (RuntimeException e) {
      // Never leave the run waiting for a reply that will not come.
      a.sink.accept(failure(a, a.target.workerId, new StarmapException("cannot read the reply"
          + " of task " + a.request.taskName() + "#" + a.request.taskNo() + " from member "
          + a.target.description + ": " + e, e)));
    }
  }

  private void afterLostContact(Attempt a, Throwable cause) {
    if (closed || a.cancelled || attempts.get(a.key) != a) {
      return;
    }
    if (isMember(a.target.member.getUuid()) && a.calls < MAX_CALLS) {
      // Still a member: call it again with the same call id; it answers with the reply of the
      // run it already made (or is making), so nothing runs twice.
      Attempt again = new Attempt(a);
      if (attempts.replace(a.key, a, again)) {
        call(again);
      }
      return;
    }
    if (attempts.remove(a.key, a)) {
      memberLost(a, cause);
    }
  }

  private TaskReply read(Attempt a, byte[] bytes) {
    Reply r = Reply.parse(bytes);
    String task = a.request.taskName() + "#" + a.request.taskNo();
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

  private static boolean lostContact(Throwable cause) {
    return cause instanceof MemberLeftException
        || cause instanceof TargetNotMemberException
        || cause instanceof TargetDisconnectedException
        || cause instanceof HazelcastInstanceNotActiveException;
  }

  private void memberLost(Attempt a, Throwable cause) {
    if (closed || a.cancelled) {
      return;
    }
    a.target.inFlight.decrementAndGet();
    String task = a.request.taskName() + "#" + a.request.taskNo();
    boolean idempotent = a.request.task() instanceof Idempotent;
    if (idempotent && a.lost.isEmpty()) {
      List<Target> lost = List.of(a.target);
      LOG.log(Level.INFO, "member " + a.target.description + " left while it ran task " + task
          + ", which is idempotent: running it again on another member");
      dispatch(a.request, a.sink, a.payload, pick(lost), lost);
      return;
    }
    String message = "member " + a.target.description + " left cluster '" + settings.cluster()
        + "' while it ran task " + task + (idempotent
            ? ", which had already been run again after member " + a.lost.get(0).description
                + " left; not trying a third time"
            : "; the task is not idempotent (it does not implement io.starmap.core.Idempotent),"
                + " so it was not run again")
        + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ": "
            + cause.getMessage() + ")");
    a.sink.accept(failure(a, a.target.workerId, new WorkerLostException(message, cause)));
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null && !(c instanceof MemberLeftException)) {
      c = c.getCause();
    }
    return c;
  }

  private TaskReply failure(Attempt a, String workerId, Throwable error) {
    return failure(a, workerId, error, 0);
  }

  private TaskReply failure(Attempt a, String workerId, Throwable error, long received) {
    TaskRequest<?, ?> r = a.request;
    TaskMetrics m = new TaskMetrics(r.taskNo(), r.taskName(), r.weight(), workerId, a.startMillis,
        System.nanoTime() - a.startNanos, 0, 0, a.payload == null ? 0 : a.payload.length,
        received, 0, 0, TaskStatus.FAILED);
    return new TaskReply(r.taskNo(), null, error, List.of(), m, List.of());
  }

  @Override
  public void cancelAll() {
    for (Attempt a : attempts.values()) {
      if (attempts.remove(a.key, a)) {
        a.cancelled = true;
        a.target.inFlight.decrementAndGet();
        Future<?> f = a.future;
        if (f != null) {
          f.cancel(true);
        }
      }
    }
    if (local != null) {
      local.cancelAll();
    }
  }

  /**
   * The status of every data member: usable ones answer a status call of their session, refused
   * ones are listed with the reason.
   *
   * @return one status per data member; refused members carry their reason in {@code state}
   */
  public List<MemberStatus> members() {
    return view.members();
  }

  /**
   * The members tasks are sent to, {@code host:port (host:pid)}.
   *
   * @return the usable members, as {@code host:port (host:pid)}; empty when none is usable
   */
  public Set<String> usableMembers() {
    return view.usableMembers();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    cancelAll();
    closed = true;
    if (local != null) {
      local.close();
    }
    try {
      client.shutdown();
    } finally {
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
}

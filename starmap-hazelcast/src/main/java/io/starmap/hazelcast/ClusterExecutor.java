package io.starmap.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.starmap.core.Idempotent;
import io.starmap.core.StarmapException;
import io.starmap.core.WorkerLostException;
import io.starmap.core.spi.TaskExecutor;
import io.starmap.core.spi.TaskRequest;
import io.starmap.hazelcast.internal.ClusterCrypto;
import io.starmap.hazelcast.internal.Handshake;
import io.starmap.hazelcast.internal.HazelcastSetup;
import io.starmap.hazelcast.internal.StarmapVersion;
import io.starmap.hazelcast.internal.Wire;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
 * <p>This class connects and keeps the membership ({@link ClusterMembers}: handshakes, usable and
 * refused members); {@link Dispatcher} sends the tasks and reads their replies; {@link
 * LossRecovery} decides what a lost member's tasks become.
 *
 * <p>For several runs on one connection, make one and pass it to {@code
 * Starmap.builder(...).executor(clusterExecutor)}; close it at the end.
 */
public final class ClusterExecutor implements TaskExecutor {
  private final ClusterSettings settings;
  private final HazelcastInstance client;
  private final ClusterMembers view;
  private final Map<UUID, Target> targets;
  private final Map<UUID, String> refused;
  private final Dispatcher dispatcher;
  private final Target localTarget;
  private final int workers;
  private volatile boolean closed;

  /** Connected, with the members the client knows considered; {@code statusOnly}: no waiting. */
  private ClusterExecutor(ClusterSettings settings, HazelcastInstance client, boolean statusOnly) {
    this.settings = settings;
    this.client = client;
    String version = StarmapVersion.current();
    var filter = Wire.filter(settings.allow());
    ExecutorService callbacks = Executors.newThreadPerTaskExecutor(statusOnly
        ? Thread.ofVirtual().factory()
        : Thread.ofVirtual().name("starmap-cluster-reply-", 1).factory());
    this.view = new ClusterMembers(client, new ClusterCrypto(settings.secret()), version, filter,
        callbacks, statusOnly);
    this.targets = view.targets();
    this.refused = view.refused();
    TaskExecutor local = null;
    Target master = null;
    if (!statusOnly && settings.includeMaster()) {
      int cores = Runtime.getRuntime().availableProcessors();
      local = TaskExecutor.threads(cores);
      master = new Target(null, "master", "the master", cores, null);
    }
    this.localTarget = master;
    this.dispatcher = new Dispatcher(settings, client, view, version, filter, callbacks, local,
        master);
    if (!statusOnly) {
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
    }
    for (Member m : client.getCluster().getMembers()) {
      view.consider(m);
    }
    this.workers = statusOnly ? 0 : awaitMembers();
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
    return new ClusterExecutor(settings, connectClient(settings), false);
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
        .withWait(Duration.ZERO), connectClient(settings), true);
    try {
      return executor.members();
    } finally {
      executor.close();
    }
  }

  private void removed(Member m) {
    refused.remove(m.getUuid());
    Target t = targets.remove(m.getUuid());
    if (t == null || closed) {
      return;
    }
    dispatcher.recovery.removed(m);
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
    dispatcher.submit(request, sink);
  }

  @Override
  public void cancelAll() {
    dispatcher.cancelAll();
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
    closed = true;
    dispatcher.close();
    try {
      client.shutdown();
    } finally {
      dispatcher.shutdownThreads();
    }
  }
}

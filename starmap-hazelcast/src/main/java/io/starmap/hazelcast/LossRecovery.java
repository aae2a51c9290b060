package io.starmap.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import io.starmap.core.Idempotent;
import io.starmap.core.WorkerLostException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * What the cluster executor does when a member is lost: a call that lost contact is made again
 * with the same call id while the member is still there (it answers with its first run's reply);
 * a member that left makes its idempotent tasks run once more elsewhere, and fails the others
 * with a {@link WorkerLostException}. Both wait a grace period first, because the client's member
 * list flickers when it loses the member it takes the list from.
 */
final class LossRecovery {
  private static final System.Logger LOG = System.getLogger("io.starmap.hazelcast");
  private static final long REMOVAL_GRACE_MILLIS = 2_000;
  private static final int MAX_CALLS = 15;
  private static final long JOB_POLL_MILLIS = 1_000;

  private final Dispatcher dispatcher;
  private final HazelcastInstance client;
  private volatile boolean disconnected;

  LossRecovery(Dispatcher dispatcher, HazelcastInstance client) {
    this.dispatcher = dispatcher;
    this.client = client;
    // With every member gone at once, no member is left to say that they left: the client only
    // loses its connection, and gives up after its reconnect timeout. When the members ran as a
    // Slurm job that ended, that is proof enough that they will not come back.
    client.getLifecycleService().addLifecycleListener(e -> {
      switch (e.getState()) {
        case CLIENT_DISCONNECTED -> {
          disconnected = true;
          schedule(this::afterDisconnected, REMOVAL_GRACE_MILLIS);
        }
        case CLIENT_CONNECTED -> disconnected = false;
        default -> { }
      }
    });
  }

  private void schedule(Runnable action, long delayMillis) {
    try {
      dispatcher.timer.schedule(action, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // closed meanwhile: nothing waits for its tasks any more
    }
  }

  /** Whether the client is connected to the cluster (as far as its last event said). */
  boolean connected() {
    return !disconnected;
  }

  private void afterDisconnected() {
    if (dispatcher.closed() || !disconnected || !client.getLifecycleService().isRunning()
        || dispatcher.attempts.values().stream().noneMatch(a -> a.target.member != null)) {
      return;
    }
    if (dispatcher.whyGone().isEmpty()) {
      // The job may still be running, or ending: Slurm keeps a cancelled job COMPLETING until
      // its processes are gone, which takes longer than the grace period on a busy node. Asked
      // again until it ended, the client is back, or the client gives up.
      schedule(this::afterDisconnected, JOB_POLL_MILLIS);
      return;
    }
    for (Attempt a : dispatcher.attempts.values()) {
      if (a.target.member != null && dispatcher.attempts.remove(a.key, a)) {
        memberLost(a, null);
      }
    }
  }

  /**
   * A member was removed from the client's list (its target already dropped, if it had one):
   * after the grace period, its tasks are recovered unless it is back.
   */
  void removed(Member m) {
    if (dispatcher.closed()) {
      return;
    }
    // The client reports every member removed when it loses the member it takes the member
    // list from, and re-adds the living ones at once: only a member still missing after a grace
    // period has left. Its calls usually fail sooner on their own (closed connection).
    try {
      dispatcher.timer.schedule(() -> confirmRemoved(m.getUuid()), REMOVAL_GRACE_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile: nothing waits for its tasks any more
    }
  }

  private void confirmRemoved(UUID uuid) {
    if (dispatcher.closed() || isMember(uuid)) {
      return;
    }
    for (Attempt a : dispatcher.attempts.values()) {
      if (a.target.member != null && a.target.member.getUuid().equals(uuid)
          && dispatcher.attempts.remove(a.key, a)) {
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

  /**
   * Takes over a call that failed with {@code error} if it lost contact with its member.
   *
   * @return true when recovery handles it (after the grace period); false to fail it as it is
   */
  boolean lostContact(Attempt a, Throwable error) {
    Throwable cause = unwrap(error);
    if (!isLostContact(cause) || dispatcher.attempts.get(a.key) != a) {
      return false;
    }
    // Decided after a grace period: the client also fails calls to members that are alive when
    // its member list flickers, and a member that died takes a moment to leave it.
    try {
      dispatcher.timer.schedule(() -> afterLostContact(a, cause), REMOVAL_GRACE_MILLIS,
          TimeUnit.MILLISECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // closed meanwhile
    }
  }

  private void afterLostContact(Attempt a, Throwable cause) {
    if (dispatcher.closed() || a.cancelled || dispatcher.attempts.get(a.key) != a) {
      return;
    }
    if (isMember(a.target.member.getUuid()) && a.calls < MAX_CALLS) {
      // Still a member: call it again with the same call id; it answers with the reply of the
      // run it already made (or is making), so nothing runs twice.
      Attempt again = new Attempt(a);
      if (dispatcher.attempts.replace(a.key, a, again)) {
        dispatcher.call(again);
      }
      return;
    }
    if (dispatcher.attempts.remove(a.key, a)) {
      memberLost(a, cause);
    }
  }

  private static boolean isLostContact(Throwable cause) {
    return cause instanceof MemberLeftException
        || cause instanceof TargetNotMemberException
        || cause instanceof TargetDisconnectedException
        || cause instanceof HazelcastInstanceNotActiveException
        // the client shuts itself down when no member is left to connect to: all are lost
        || cause instanceof com.hazelcast.client.HazelcastClientNotActiveException;
  }

  private void memberLost(Attempt a, Throwable cause) {
    if (dispatcher.closed() || a.cancelled) {
      return;
    }
    a.target.inFlight.decrementAndGet();
    String task = a.task();
    boolean idempotent = a.request.task() instanceof Idempotent;
    if (idempotent && a.lost.isEmpty()) {
      List<Target> lost = List.of(a.target);
      LOG.log(Level.INFO, "member " + a.target.description + " left while it ran task " + task
          + ", which is idempotent: running it again on another member");
      dispatcher.dispatch(a.request, a.sink, a.payload, dispatcher.pick(lost), lost);
      return;
    }
    String message = "member " + a.target.description + " left cluster '" + dispatcher.cluster()
        + "' while it ran task " + task + (idempotent
            ? ", which had already been run again after member " + a.lost.get(0).description
                + " left; not trying a third time"
            : "; the task is not idempotent (it does not implement io.starmap.core.Idempotent),"
                + " so it was not run again")
        + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ": "
            + cause.getMessage() + ")") + dispatcher.whyGone();
    a.sink.accept(dispatcher.failure(a, a.target.workerId,
        new WorkerLostException(message, cause)));
  }

  /** The exception inside the wrappers of futures (a {@link MemberLeftException} stays). */
  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null && !(c instanceof MemberLeftException)) {
      c = c.getCause();
    }
    return c;
  }
}

package io.starmap.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.starmap.core.StarmapException;
import io.starmap.hazelcast.internal.Attributes;
import io.starmap.hazelcast.internal.ClusterCrypto;
import io.starmap.hazelcast.internal.Handshake;
import io.starmap.hazelcast.internal.HazelcastSetup;
import io.starmap.hazelcast.internal.Reply;
import io.starmap.hazelcast.internal.SignedCall;
import io.starmap.hazelcast.internal.Wire;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The master's view of the cluster's members: which ones it may use (those that proved the
 * cluster secret in a {@link Handshake}, with their sessions), which ones it refused and why,
 * and their status.
 */
final class ClusterMembers {
  private static final System.Logger LOG = System.getLogger("io.starmap.hazelcast");
  private static final long HANDSHAKE_SECONDS = 10;

  private final HazelcastInstance client;
  private final ClusterCrypto crypto;
  private final String version;
  private final ObjectInputFilter filter;
  private final Executor background;
  private final boolean quiet;
  private final Map<UUID, Target> targets = new ConcurrentHashMap<>();
  private final Map<UUID, String> refused = new ConcurrentHashMap<>();
  /** Members whose handshake is under way. */
  private final Set<UUID> handshaking = ConcurrentHashMap.newKeySet();

  /**
   * A view through {@code client}.
   *
   * @param background runs the handshakes
   * @param quiet whether refusals go unlogged (a status view)
   */
  ClusterMembers(HazelcastInstance client, ClusterCrypto crypto, String version,
      ObjectInputFilter filter, Executor background, boolean quiet) {
    this.client = client;
    this.crypto = crypto;
    this.version = version;
    this.filter = filter;
    this.background = background;
    this.quiet = quiet;
  }

  /** The usable members by UUID (live, shared with the executor). */
  Map<UUID, Target> targets() {
    return targets;
  }

  /** The refused members and why, by UUID (live). */
  Map<UUID, String> refused() {
    return refused;
  }

  /** Whether a handshake is under way. */
  boolean handshaking() {
    return !handshaking.isEmpty();
  }

  /** Tries {@code m}: refused at once, or challenged in the background. */
  void consider(Member m) {
    if (m.isLiteMember() || targets.containsKey(m.getUuid())) {
      return;
    }
    String why = Attributes.refusal(m, crypto, version);
    if (why != null) {
      refuse(m, why);
      return;
    }
    if (handshaking.add(m.getUuid())) {
      try {
        background.execute(() -> handshake(m));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        handshaking.remove(m.getUuid()); // closed meanwhile
      }
    }
  }

  private void refuse(Member m, String why) {
    if (refused.put(m.getUuid(), why) == null && !quiet) {
      LOG.log(Level.WARNING, why);
    }
  }

  /**
   * Challenges {@code m} to prove the cluster secret; a member is used only when it does. Its
   * attributes prove nothing: any member of the cluster can copy them.
   */
  private void handshake(Member m) {
    String address = Attributes.address(m);
    Attributes.Announced announced = Attributes.read(m, crypto);
    String name = "member " + address
        + (announced == null ? "" : " (announced as " + announced.workerId() + ")");
    try {
      byte[] challenge = Handshake.challenge();
      byte[] bytes = client.getExecutorService(HazelcastSetup.STATUS_EXECUTOR).submitToMember(
          new SignedCall(SignedCall.HELLO, Handshake.CALL_ID, version, "", 0, challenge), m)
          .get(HANDSHAKE_SECONDS, TimeUnit.SECONDS);
      Reply r = Reply.parse(bytes);
      byte[] answer = r.helloAnswer();
      if (r.refusal() != null || answer == null) {
        refuse(m, name + " was refused: " + (r.refusal() != null ? r.refusal()
            : "it answered the handshake with something else"));
        return;
      }
      Handshake.Session session = Handshake.verify(crypto, challenge, answer,
          m.getUuid() + "|" + address, version);
      if (session == null) {
        refuse(m, name + " was refused: it was started with another cluster secret than this"
            + " master's, or it is not the member it claims to be (check"
            + " STARMAP_CLUSTER_SECRET on both sides)");
        return;
      }
      targets.computeIfAbsent(m.getUuid(), u -> new Target(m, session.workerId(),
          address + " (" + session.workerId() + ")", session.threads(), session));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      refuse(m, name + " was refused: it did not answer the handshake: "
          + LossRecovery.unwrap(e));
    } finally {
      handshaking.remove(m.getUuid());
    }
  }

  /**
   * The status of every data member: usable ones answer a status call of their session, refused
   * ones are listed with the reason.
   */
  List<MemberStatus> members() {
    awaitHandshakes();
    List<MemberStatus> all = new ArrayList<>();
    Map<Member, Future<byte[]>> calls = new java.util.LinkedHashMap<>();
    Map<Member, String> callIds = new java.util.HashMap<>();
    for (Member m : client.getCluster().getMembers()) {
      if (m.isLiteMember()) {
        continue;
      }
      Target t = targets.get(m.getUuid());
      String why = refused.getOrDefault(m.getUuid(), "it has not answered the handshake yet");
      if (t != null) {
        try {
          String callId = "status-" + UUID.randomUUID();
          SignedCall call = SignedCall.sealed(SignedCall.STATUS, callId, version, t.session,
              new byte[0]);
          callIds.put(m, callId);
          calls.put(m, client.getExecutorService(HazelcastSetup.STATUS_EXECUTOR)
              .submitToMember(call, m));
          continue;
        } catch (RuntimeException e) {
          why = "status call failed: " + e.getMessage();
        }
      }
      all.add(unusable(m, why));
    }
    for (Map.Entry<Member, Future<byte[]>> call : calls.entrySet()) {
      Member m = call.getKey();
      try {
        Reply r = Reply.parse(call.getValue().get(10, TimeUnit.SECONDS));
        byte[] plain = r.refusal() != null ? null : r.open(targets.get(m.getUuid()).session,
            SignedCall.STATUS, callIds.get(m), version);
        if (r.refusal() != null) {
          all.add(unusable(m, r.refusal()));
        } else if (plain == null) {
          all.add(unusable(m, "status reply that does not decrypt with its session's keys"));
        } else {
          all.add((MemberStatus) Wire.deserialize(plain, filter));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StarmapException("interrupted while asking the members for their status", e);
      } catch (ExecutionException | TimeoutException | IOException | ClassNotFoundException
          | RuntimeException e) {
        all.add(unusable(m, "no status: " + LossRecovery.unwrap(e)));
      }
    }
    all.sort(Comparator.comparing(MemberStatus::address));
    return all;
  }

  private void awaitHandshakes() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(HANDSHAKE_SECONDS + 1);
    while (!handshaking.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StarmapException("interrupted while waiting for the members' handshakes", e);
      }
    }
  }

  private MemberStatus unusable(Member m, String why) {
    String version = m.getAttribute(Attributes.VERSION);
    // What the member announced, if it is sealed with this secret; a rogue can have copied it.
    Attributes.Announced a = Attributes.read(m, crypto);
    return new MemberStatus(Attributes.address(m), a == null ? "?" : a.workerId(),
        version == null ? "?" : version, "refused: " + why, a == null ? 0 : a.cores(),
        a == null ? 0 : a.threads(), 0, 0, 0, 0, 0);
  }

  /** The members tasks are sent to, {@code host:port (host:pid)}. */
  Set<String> usableMembers() {
    Set<String> names = new java.util.TreeSet<>();
    targets.values().forEach(t -> names.add(t.description));
    return names;
  }
}

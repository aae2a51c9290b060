package io.starmap.hazelcast;

import com.hazelcast.cluster.Member;
import io.starmap.hazelcast.internal.Handshake;
import java.util.concurrent.atomic.AtomicInteger;

/** A place tasks go: a member, or the master's own threads. */
final class Target {
  final Member member;
  final String workerId;
  final String description;
  final int slots;
  /** The session of the member's handshake; null for the master's own threads. */
  final Handshake.Session session;
  final AtomicInteger inFlight = new AtomicInteger();

  Target(Member member, String workerId, String description, int slots,
      Handshake.Session session) {
    this.member = member;
    this.workerId = workerId;
    this.description = description;
    this.slots = slots;
    this.session = session;
  }

  double load() {
    return (double) inFlight.get() / slots;
  }
}

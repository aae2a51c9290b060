package io.starmap.hazelcast.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How a member proves to a master that it holds the cluster secret, and how both get the keys of
 * their session. The master sends a fresh random challenge; the member answers with its own
 * fresh nonce, a new session id, its worker id and threads, and an HMAC (with a key derived from
 * the secret) over all of these, the challenge, and the member's UUID and address as Hazelcast
 * knows them. Member attributes can be copied by anyone who joins the cluster; this proof
 * cannot: it is good for one challenge only, and only for the member the master called (a rogue
 * that relays the challenge to a genuine member gets a proof of the genuine member's UUID and
 * address, which the master refuses for the rogue's).
 */
public final class Handshake {
  /** The call id of a {@link SignedCall#HELLO}. */
  public static final String CALL_ID = "hello";
  private static final String LABEL = "starmap-hello-v2";

  private Handshake() {}

  /**
   * A master's session with one member.
   *
   * @param id the session id the member chose
   * @param keys the session's keys
   * @param workerId the member's {@code host:pid}, as it proved it
   * @param threads the member's task threads, as it proved them
   * @param counters the counter of the session's calls
   */
  public record Session(String id, ClusterCrypto.SessionKeys keys, String workerId, int threads,
      AtomicLong counters) {
    /** A counter never used before in this session. */
    long nextCounter() {
      return counters.incrementAndGet();
    }
  }

  /**
   * A member's answer to a challenge.
   *
   * @param session the session it opened
   * @param body the answer to send
   */
  record Answer(Session session, byte[] body) {}

  /** A fresh challenge. */
  public static byte[] challenge() {
    return ClusterCrypto.random(ClusterCrypto.NONCE_LENGTH);
  }

  /**
   * The member's side: opens a session and proves the secret.
   *
   * @param member the member's {@code uuid|host:port}
   */
  static Answer answer(ClusterCrypto crypto, byte[] challenge, String member, String version,
      String workerId, int threads) {
    byte[] nonce = ClusterCrypto.random(ClusterCrypto.NONCE_LENGTH);
    String id = HexFormat.of().formatHex(ClusterCrypto.random(16));
    byte[] proof = crypto.proof(proved(challenge, nonce, id, member, version, workerId,
        threads));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(160);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(nonce);
      out.writeUTF(id);
      out.writeUTF(workerId);
      out.writeInt(threads);
      out.write(proof);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a handshake answer", e);
    }
    return new Answer(new Session(id, crypto.session(challenge, nonce, member), workerId,
        threads, new AtomicLong()), bytes.toByteArray());
  }

  /**
   * The master's side: the session, or null when the proof is not the one of the cluster
   * secret for this challenge and this member.
   *
   * @param member the called member's {@code uuid|host:port}, as the master knows it
   * @throws IllegalArgumentException when the answer is malformed
   */
  public static Session verify(ClusterCrypto crypto, byte[] challenge, byte[] body, String member,
      String version) {
    byte[] nonce = new byte[ClusterCrypto.NONCE_LENGTH];
    byte[] proof = new byte[32];
    String id;
    String workerId;
    int threads;
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
      in.readFully(nonce);
      id = in.readUTF();
      workerId = in.readUTF();
      threads = in.readInt();
      in.readFully(proof);
    } catch (IOException e) {
      throw new IllegalArgumentException("a malformed handshake answer (" + e + ")", e);
    }
    if (!crypto.verifyProof(proof, proved(challenge, nonce, id, member, version, workerId,
        threads))) {
      return null;
    }
    return new Session(id, crypto.session(challenge, nonce, member), workerId,
        Math.max(1, threads), new AtomicLong());
  }

  private static byte[][] proved(byte[] challenge, byte[] nonce, String id, String member,
      String version, String workerId, int threads) {
    return new byte[][] {ClusterCrypto.utf8(LABEL), challenge, nonce, ClusterCrypto.utf8(id),
        ClusterCrypto.utf8(member), ClusterCrypto.utf8(version), ClusterCrypto.utf8(workerId),
        ClusterCrypto.utf8(Integer.toString(threads))};
  }
}

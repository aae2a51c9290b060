package io.starmap.hazelcast.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A member's answer to a {@link SignedCall}, as bytes: {@code 0, counter, ciphertext} for a
 * reply encrypted with the session's key for the master (bound to the call's kind, id, version,
 * session and counter), {@code 2, answer} for the answer to a handshake (which carries its own
 * proof), or {@code 1, UTF-8 message} when the member refused the call (it cannot decrypt it,
 * has seen it, other version, a class outside the allow-list). A refusal is not authenticated:
 * the member may not share the master's secret, and it carries nothing but text, which makes the
 * task fail and is never taken for a result.
 *
 * @param refusal the member's reason, or null
 * @param raw the whole answer
 */
public record Reply(String refusal, byte[] raw) {
  private static final byte SEALED = 0;
  private static final byte REFUSED = 1;
  private static final byte HELLO = 2;
  private static final int CIPHERTEXT = 1 + 8;

  /** A reply to {@code call}, encrypted with {@code session}'s key for the master. */
  static byte[] sealed(Handshake.Session session, SignedCall call, byte[] plain) {
    byte[] aad = ClusterCrypto.aad("reply", call.kind(), call.callId(), call.version(),
        call.session(), call.counter());
    byte[] sealed = ClusterCrypto.seal(session.keys().toMaster(), call.counter(), aad, plain);
    return ByteBuffer.allocate(CIPHERTEXT + sealed.length).put(SEALED).putLong(call.counter())
        .put(sealed).array();
  }

  /** The answer to a handshake. */
  static byte[] hello(byte[] answer) {
    byte[] out = new byte[1 + answer.length];
    out[0] = HELLO;
    System.arraycopy(answer, 0, out, 1, answer.length);
    return out;
  }

  /** A refusal. */
  public static byte[] refused(String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[1 + text.length];
    out[0] = REFUSED;
    System.arraycopy(text, 0, out, 1, text.length);
    return out;
  }

  /** Parses a member's answer. */
  public static Reply parse(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return new Reply("the member sent an empty answer", null);
    }
    if (bytes[0] == REFUSED) {
      return new Reply(new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8), null);
    }
    if ((bytes[0] != SEALED || bytes.length < CIPHERTEXT) && bytes[0] != HELLO) {
      return new Reply("the member sent an answer in an unknown format", null);
    }
    return new Reply(null, bytes);
  }

  /** The answer of a handshake, or null when this is not one. */
  public byte[] helloAnswer() {
    return refusal == null && raw[0] == HELLO ? Arrays.copyOfRange(raw, 1, raw.length) : null;
  }

  /**
   * The decrypted reply to {@code call}, or null when it is not a reply encrypted with the
   * session's key for this very call (another call's reply, a forgery, a bit changed).
   *
   * @param session the master's session with the member it called
   * @param kind the call's kind
   * @param callId the call's id
   * @param version the master's version
   */
  public byte[] open(Handshake.Session session, byte kind, String callId, String version) {
    if (refusal != null || raw[0] != SEALED) {
      return null;
    }
    long counter = ByteBuffer.wrap(raw, 1, 8).getLong();
    byte[] aad = ClusterCrypto.aad("reply", kind, callId, version, session.id(), counter);
    return ClusterCrypto.open(session.keys().toMaster(), counter, aad, raw, CIPHERTEXT,
        raw.length - CIPHERTEXT);
  }
}

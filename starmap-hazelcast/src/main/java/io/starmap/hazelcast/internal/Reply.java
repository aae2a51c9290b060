package io.starmap.hazelcast.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A member's answer to a {@link SignedCall}, as bytes: {@code 0, signature, payload} for a
 * signed payload, or {@code 1, UTF-8 message} when the member refused the call (bad signature,
 * other version, a class outside the allow-list). A refusal is never signed: the master may not
 * share the member's secret, and it carries nothing but text. The payload is not copied out of
 * the answer (results can be large).
 *
 * @param refusal the member's reason, or null
 * @param raw the whole answer
 */
public record Reply(String refusal, byte[] raw) {
  private static final byte OK = 0;
  private static final byte REFUSED = 1;
  private static final int PAYLOAD = 1 + Wire.MAC_LENGTH;

  /** A signed reply. */
  public static byte[] signed(Wire.Signer signer, byte[] payload) {
    byte[] signature = signer.sign(new byte[] {OK}, payload);
    byte[] out = new byte[PAYLOAD + payload.length];
    out[0] = OK;
    System.arraycopy(signature, 0, out, 1, signature.length);
    System.arraycopy(payload, 0, out, PAYLOAD, payload.length);
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
    if (bytes[0] != OK || bytes.length < PAYLOAD) {
      return new Reply("the member sent an answer in an unknown format", null);
    }
    return new Reply(null, bytes);
  }

  /** Whether the signature of this signed reply matches {@code signer}'s secret. */
  public boolean verifiedBy(Wire.Signer signer) {
    return refusal == null && signer.verify(Arrays.copyOfRange(raw, 1, PAYLOAD),
        new byte[] {OK}, new Wire.Slice(raw, PAYLOAD, raw.length - PAYLOAD));
  }

  /** The payload's size in bytes. */
  public int payloadLength() {
    return raw.length - PAYLOAD;
  }

  /** The payload, read through {@code filter}. */
  public Object read(java.io.ObjectInputFilter filter)
      throws java.io.IOException, ClassNotFoundException {
    return Wire.deserialize(new Wire.Slice(raw, PAYLOAD, raw.length - PAYLOAD), filter);
  }
}

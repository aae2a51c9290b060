package io.starmap.hazelcast.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A member's answer to a {@link SignedCall}, as bytes: {@code 0, signature, payload} for a
 * signed payload, or {@code 1, UTF-8 message} when the member refused the call (bad signature,
 * other version, a class outside the allow-list). A refusal is never signed: the master may not
 * share the member's secret, and it carries nothing but text.
 *
 * @param refusal the member's reason, or null
 * @param signature the payload's signature, or null for a refusal
 * @param payload the signed bytes, or null for a refusal
 */
public record Reply(String refusal, byte[] signature, byte[] payload) {
  private static final byte OK = 0;
  private static final byte REFUSED = 1;

  /** A signed reply. */
  public static byte[] signed(Wire.Signer signer, byte[] payload) {
    byte[] signature = signer.sign(new byte[] {OK}, payload);
    byte[] out = new byte[1 + signature.length + payload.length];
    out[0] = OK;
    System.arraycopy(signature, 0, out, 1, signature.length);
    System.arraycopy(payload, 0, out, 1 + signature.length, payload.length);
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
      return new Reply("the member sent an empty answer", null, null);
    }
    if (bytes[0] == REFUSED) {
      return new Reply(new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8), null, null);
    }
    if (bytes[0] != OK || bytes.length < 1 + Wire.MAC_LENGTH) {
      return new Reply("the member sent an answer in an unknown format", null, null);
    }
    return new Reply(null, Arrays.copyOfRange(bytes, 1, 1 + Wire.MAC_LENGTH),
        Arrays.copyOfRange(bytes, 1 + Wire.MAC_LENGTH, bytes.length));
  }

  /** Whether the signature of this signed reply matches {@code signer}'s secret. */
  public boolean verifiedBy(Wire.Signer signer) {
    return refusal == null && signer.verify(signature, new byte[] {OK}, payload);
  }
}

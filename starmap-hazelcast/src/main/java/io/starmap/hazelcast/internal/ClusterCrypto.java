package io.starmap.hazelcast.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cryptography of the cluster protocol, JDK only: HKDF-SHA256 (RFC 5869) to derive keys from
 * the cluster secret, HMAC-SHA256 for the handshake's proof, AES-256-GCM for every call and
 * reply. Hazelcast's own connections are neither encrypted nor authenticated, so everything
 * Starmap sends is protected here, end to end between the master and one member.
 */
public final class ClusterCrypto {
  private static final String HMAC = "HmacSHA256";
  private static final String AES_GCM = "AES/GCM/NoPadding";
  private static final int TAG_BITS = 128;
  /** Length of the nonces each side contributes to a session. */
  public static final int NONCE_LENGTH = 32;
  private static final byte[] SALT = utf8("starmap-cluster-v2");
  private static final SecureRandom RANDOM = new SecureRandom();
  // One cipher per thread, initialised for each message: creating one per message costs a
  // provider look-up and, more, a new AES key schedule each time, which dominates until the JIT
  // has compiled the cipher (the first thousands of tasks); re-initialising one with the same
  // key keeps its schedule.
  private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance(AES_GCM);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JVM", e);
    }
  });

  private final byte[] secret;
  private final SecretKey proofKey;
  private final SecretKey attributeKey;

  /** The keys of the cluster secret {@code secret}. */
  public ClusterCrypto(String secret) {
    this.secret = utf8(secret);
    this.proofKey = new SecretKeySpec(hkdf(SALT, this.secret, utf8("starmap handshake proof"),
        32), HMAC);
    this.attributeKey = new SecretKeySpec(hkdf(SALT, this.secret,
        utf8("starmap member attributes"), 32), "AES");
  }

  /**
   * {@code text} encrypted for member attributes, which every member of the cluster reads:
   * base64 of a random IV and the AES-GCM ciphertext, bound to {@code label}.
   */
  public String sealAttribute(String label, String text) {
    byte[] iv = random(12);
    try {
      Cipher c = Cipher.getInstance(AES_GCM);
      c.init(Cipher.ENCRYPT_MODE, attributeKey, new GCMParameterSpec(TAG_BITS, iv));
      c.updateAAD(utf8(label));
      byte[] sealed = c.doFinal(utf8(text));
      return java.util.Base64.getEncoder().encodeToString(
          ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption of a member attribute failed", e);
    }
  }

  /** What {@link #sealAttribute} sealed with this secret and {@code label}, or null. */
  public String openAttribute(String label, String sealed) {
    if (sealed == null) {
      return null;
    }
    try {
      byte[] bytes = java.util.Base64.getDecoder().decode(sealed);
      if (bytes.length < 12 + TAG_BITS / 8) {
        return null;
      }
      Cipher c = Cipher.getInstance(AES_GCM);
      c.init(Cipher.DECRYPT_MODE, attributeKey, new GCMParameterSpec(TAG_BITS, bytes, 0, 12));
      c.updateAAD(utf8(label));
      return new String(c.doFinal(bytes, 12, bytes.length - 12), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException | javax.crypto.AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption of a member attribute failed", e);
    }
  }

  /** {@code n} random bytes from a {@link SecureRandom}. */
  public static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /**
   * HKDF-SHA256 of RFC 5869: extract with {@code salt}, then expand with {@code info} to
   * {@code length} bytes.
   */
  public static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    if (length > 255 * 32) {
      throw new IllegalArgumentException("HKDF-SHA256 gives at most 8160 bytes, not " + length);
    }
    Mac mac = mac(salt.length == 0 ? new byte[32] : salt);
    byte[] prk = mac.doFinal(ikm);
    mac = mac(prk);
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    for (int i = 1, done = 0; done < length; i++) {
      mac.update(t);
      mac.update(info);
      mac.update((byte) i);
      t = mac.doFinal();
      int n = Math.min(t.length, length - done);
      System.arraycopy(t, 0, out, done, n);
      done += n;
    }
    return out;
  }

  /** The handshake proof of {@code parts} (each length-prefixed), with the secret's proof key. */
  public byte[] proof(byte[]... parts) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(proofKey);
      for (byte[] part : parts) {
        mac.update(ByteBuffer.allocate(4).putInt(part.length).array());
        mac.update(part);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  /** Whether {@code proof} is the proof of {@code parts}, in constant time. */
  public boolean verifyProof(byte[] proof, byte[]... parts) {
    return proof != null && MessageDigest.isEqual(proof, proof(parts));
  }

  /**
   * The keys of one session between one master and one member: both sides' fresh nonces are the
   * salt, so a session's keys are new even when one side replays its old messages, and the
   * member's UUID and address are in every key's label, so they are good for that member only.
   *
   * @param masterNonce the master's nonce of the handshake
   * @param memberNonce the member's nonce of the handshake
   * @param member the member's UUID and address
   */
  public SessionKeys session(byte[] masterNonce, byte[] memberNonce, String member) {
    byte[] salt = new byte[masterNonce.length + memberNonce.length];
    System.arraycopy(masterNonce, 0, salt, 0, masterNonce.length);
    System.arraycopy(memberNonce, 0, salt, masterNonce.length, memberNonce.length);
    return new SessionKeys(
        new SecretKeySpec(hkdf(salt, secret, utf8("starmap call|" + member), 32), "AES"),
        new SecretKeySpec(hkdf(salt, secret, utf8("starmap reply|" + member), 32), "AES"));
  }

  /**
   * The two keys of a session, one per direction, so that a call can never pass for a reply.
   *
   * @param toMember encrypts calls
   * @param toMaster encrypts replies
   */
  public record SessionKeys(SecretKey toMember, SecretKey toMaster) {}

  /**
   * AES-GCM encryption of {@code plain}. The IV is the counter: each key encrypts each counter
   * once (the master never reuses a counter in a session, and a member answers a counter once).
   *
   * @param key the direction's key
   * @param counter the call's counter
   * @param aad what the ciphertext is bound to (kind, call id, session, counter)
   * @param plain the bytes to encrypt
   */
  public static byte[] seal(SecretKey key, long counter, byte[] aad, byte[] plain) {
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv(counter)));
      c.updateAAD(aad);
      return c.doFinal(plain);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed for counter " + counter, e);
    }
  }

  /**
   * Decrypts what {@link #seal} made with the same key, counter and AAD, or returns null when
   * any of them (or a bit of the ciphertext) differs.
   */
  public static byte[] open(SecretKey key, long counter, byte[] aad, byte[] sealed, int offset,
      int length) {
    try {
      Cipher c = CIPHER.get();
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv(counter)));
      c.updateAAD(aad);
      return c.doFinal(sealed, offset, length);
    } catch (javax.crypto.AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed for counter " + counter, e);
    }
  }

  /** The AAD of a call or a reply: each part length-prefixed. */
  public static byte[] aad(String direction, byte kind, String callId, String version,
      String session, long counter) {
    byte[][] parts = {utf8(direction), {kind}, utf8(callId), utf8(version), utf8(session),
        ByteBuffer.allocate(8).putLong(counter).array()};
    int n = 0;
    for (byte[] p : parts) {
      n += 4 + p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.putInt(p.length).put(p);
    }
    return b.array();
  }

  private static byte[] iv(long counter) {
    return ByteBuffer.allocate(12).putInt(0x53746d70).putLong(counter).array();
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

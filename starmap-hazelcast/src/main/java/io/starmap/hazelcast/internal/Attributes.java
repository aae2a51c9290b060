package io.starmap.hazelcast.internal;

import com.hazelcast.cluster.Member;

/**
 * The member attributes a Starmap worker announces, and the master's check of them. The
 * {@code auth} attribute is an HMAC, with the shared secret, of the member's other attributes and
 * a random nonce: a member started with another secret (or none) cannot produce it.
 */
public final class Attributes {
  /** The Starmap version. */
  public static final String VERSION = "starmap.version";
  /** {@code host:pid}. */
  public static final String WORKER = "starmap.worker";
  /** Tasks run at once. */
  public static final String THREADS = "starmap.threads";
  /** Processors. */
  public static final String CORES = "starmap.cores";
  /** A random value the signature covers. */
  public static final String NONCE = "starmap.nonce";
  /** The signature. */
  public static final String AUTH = "starmap.auth";

  private Attributes() {}

  /** The text the {@link #AUTH} attribute signs. */
  public static String signedText(String nonce, String version, String worker, String threads) {
    return "starmap-member|" + nonce + "|" + version + "|" + worker + "|" + threads;
  }

  /**
   * Why the master must not use {@code member}, or null when it may.
   *
   * @param member the member
   * @param signer the master's signer
   * @param version the master's version
   */
  public static String refusal(Member member, Wire.Signer signer, String version) {
    String theirVersion = member.getAttribute(VERSION);
    String worker = member.getAttribute(WORKER);
    String name = describe(member);
    if (theirVersion == null || worker == null) {
      return "member " + name + " is not a Starmap worker (no " + VERSION + " attribute)";
    }
    String expected = signer.signText(signedText(String.valueOf(member.getAttribute(NONCE)),
        theirVersion, worker, String.valueOf(member.getAttribute(THREADS))));
    String auth = member.getAttribute(AUTH);
    if (auth == null || !java.security.MessageDigest.isEqual(Wire.utf8(auth), Wire.utf8(expected))) {
      return "member " + name + " was refused: it was started with another cluster secret than"
          + " this master's (check STARMAP_CLUSTER_SECRET on both sides)";
    }
    if (!theirVersion.equals(version)) {
      return "member " + name + " was refused: it runs Starmap " + theirVersion
          + " and this master runs Starmap " + version
          + "; start the workers from the same Starmap version as the master";
    }
    return null;
  }

  /** {@code host:port (host:pid)} of a member. */
  public static String describe(Member member) {
    String worker = member.getAttribute(WORKER);
    String address = member.getAddress().getHost() + ":" + member.getAddress().getPort();
    return worker == null ? address : address + " (" + worker + ")";
  }

  /** The member's {@code host:pid}, else its address. */
  public static String workerId(Member member) {
    String worker = member.getAttribute(WORKER);
    return worker != null ? worker
        : member.getAddress().getHost() + ":" + member.getAddress().getPort();
  }

  /** An integer attribute, or {@code fallback}. */
  public static int intAttribute(Member member, String name, int fallback) {
    try {
      String v = member.getAttribute(name);
      return v == null ? fallback : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}

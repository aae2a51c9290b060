package io.starmap.hazelcast.internal;

import com.hazelcast.cluster.Member;

/**
 * The member attributes a Starmap worker announces, and the master's first look at them. Any
 * member of the cluster reads them and a rogue member can copy them, so they hold nothing
 * secret and decide nothing: they only let the master skip members that are not Starmap workers
 * or run another version. A member is used only after its {@link Handshake}, and its worker id
 * and threads are then the ones it proved.
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

  private Attributes() {}

  /**
   * Why the master need not try {@code member}, or null when it may try the handshake.
   *
   * @param member the member
   * @param version the master's version
   */
  public static String refusal(Member member, String version) {
    String theirVersion = member.getAttribute(VERSION);
    String worker = member.getAttribute(WORKER);
    String name = describe(member);
    if (theirVersion == null || worker == null) {
      return "member " + name + " is not a Starmap worker (no " + VERSION + " attribute)";
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

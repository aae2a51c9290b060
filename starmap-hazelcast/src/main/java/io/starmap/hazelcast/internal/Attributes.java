package io.starmap.hazelcast.internal;

import com.hazelcast.cluster.Member;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The member attributes a Starmap worker announces, and the master's first look at them. Every
 * member of the cluster reads them and a rogue member can copy them, so they decide nothing: the
 * master uses a member only after its {@link Handshake}, and its worker id and threads are then
 * the ones it proved. Only the Starmap version is in clear (so that a master can say that a
 * member runs another version); the worker id ({@code host:pid}), threads and cores are sealed
 * with a key derived from the cluster secret, for the messages and the status of masters that
 * hold it.
 */
public final class Attributes {
  /** The Starmap version. */
  public static final String VERSION = "starmap.version";
  /** {@code host:pid}, threads and cores, sealed. */
  public static final String SEALED = "starmap.sealed";

  private Attributes() {}

  /**
   * What a member announces.
   *
   * @param workerId the worker id, {@code host:pid}
   * @param threads tasks run at once
   * @param cores processors
   */
  public record Announced(String workerId, int threads, int cores) {}

  /** The attributes of a member that announces {@code announced}, sealed with {@code crypto}. */
  public static Map<String, String> of(ClusterCrypto crypto, String version,
      Announced announced) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put(VERSION, version);
    attributes.put(SEALED, crypto.sealAttribute(label(version), announced.workerId() + "\n"
        + announced.threads() + "\n" + announced.cores()));
    return attributes;
  }

  /** What {@code member} announced, or null when it is not sealed with {@code crypto}'s secret. */
  public static Announced read(Member member, ClusterCrypto crypto) {
    String version = member.getAttribute(VERSION);
    String text = version == null ? null
        : crypto.openAttribute(label(version), member.getAttribute(SEALED));
    String[] parts = text == null ? new String[0] : text.split("\n", -1);
    try {
      return parts.length != 3 ? null
          : new Announced(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String label(String version) {
    return "starmap-attributes|" + version;
  }

  /**
   * Why the master need not try {@code member}, or null when it may try the handshake.
   *
   * @param member the member
   * @param crypto the master's keys
   * @param version the master's version
   */
  public static String refusal(Member member, ClusterCrypto crypto, String version) {
    String theirVersion = member.getAttribute(VERSION);
    String name = describe(member, crypto);
    if (theirVersion == null) {
      return "member " + name + " is not a Starmap worker (no " + VERSION + " attribute)";
    }
    if (!theirVersion.equals(version)) {
      return "member " + name + " was refused: it runs Starmap " + theirVersion
          + " and this master runs Starmap " + version
          + "; start the workers from the same Starmap version as the master";
    }
    return null;
  }

  /**
   * {@code host:port (host:pid)} of a member, or {@code host:port} when its attributes are not
   * sealed with this secret.
   */
  public static String describe(Member member, ClusterCrypto crypto) {
    Announced a = read(member, crypto);
    return address(member) + (a == null ? "" : " (" + a.workerId() + ")");
  }

  /** {@code host:port} of a member. */
  public static String address(Member member) {
    return member.getAddress().getHost() + ":" + member.getAddress().getPort();
  }
}

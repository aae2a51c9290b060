package io.starmap.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a master reaches its cluster. Each setting comes from the executor option of the same name
 * ({@code Starmap.builder(...).option("join", "10.0.0.5:5701")}), else from the environment,
 * else from the local workers that {@code starmap workers start} recorded under {@code
 * $STARMAP_HOME/workers}, else from the default:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>option</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@code join}</td><td>{@code STARMAP_CLUSTER_JOIN}</td><td>{@code 127.0.0.1:5701}</td></tr>
 *   <tr><td>{@code cluster}</td><td>{@code STARMAP_CLUSTER_NAME}</td><td>{@code starmap}</td></tr>
 *   <tr><td>{@code secret}</td><td>{@code STARMAP_CLUSTER_SECRET}</td><td>required</td></tr>
 *   <tr><td>{@code allow}</td><td>{@code STARMAP_CLUSTER_ALLOW}</td><td>none</td></tr>
 *   <tr><td>{@code includeMaster}</td><td></td><td>{@code false}</td></tr>
 *   <tr><td>{@code minMembers}</td><td></td><td>1</td></tr>
 *   <tr><td>{@code waitSeconds}</td><td></td><td>30</td></tr>
 * </table>
 *
 * @param cluster the cluster name
 * @param join {@code host:port} of one or more members
 * @param secret the shared secret (at least 8 characters); never printed
 * @param includeMaster whether the master also runs tasks, on its own threads
 * @param minMembers how many usable members to wait for before the first task
 * @param waitFor how long to wait for them
 * @param allow extra deserialization allow-list patterns for results, such as {@code com.example.**}
 */
public record ClusterSettings(String cluster, List<String> join, String secret,
    boolean includeMaster, int minMembers, Duration waitFor, List<String> allow) {
  /** The default cluster name. */
  public static final String DEFAULT_CLUSTER = "starmap";
  /** The default member to join. */
  public static final String DEFAULT_JOIN = "127.0.0.1:5701";

  /** Validates every field and names the bad one. */
  public ClusterSettings {
    if (cluster == null || cluster.isBlank()) {
      throw new IllegalArgumentException("cluster name must not be blank: '" + cluster + "'");
    }
    join = List.copyOf(Objects.requireNonNull(join, "join"));
    if (join.isEmpty()) {
      throw new IllegalArgumentException("join must name at least one member, host:port");
    }
    for (String j : join) {
      checkAddress(j, "join address");
    }
    checkSecret(secret);
    if (minMembers < 1) {
      throw new IllegalArgumentException("minMembers must be positive, got " + minMembers);
    }
    Objects.requireNonNull(waitFor, "waitFor");
    if (waitFor.isNegative()) {
      throw new IllegalArgumentException("waitSeconds must not be negative, got " + waitFor);
    }
    allow = List.copyOf(Objects.requireNonNull(allow, "allow"));
  }

  /**
   * Settings for {@code cluster} at {@code join} with {@code secret}, other values default.
   *
   * @param cluster the cluster name; not blank
   * @param join {@code host:port} of one or more members
   * @param secret the shared secret, at least 8 characters
   * @return validated settings waiting 30 s for one usable member, master not running tasks, no
   *     extra allow-list pattern
   * @throws IllegalArgumentException naming the bad value
   */
  public static ClusterSettings of(String cluster, List<String> join, String secret) {
    return new ClusterSettings(cluster, join, secret, false, 1, Duration.ofSeconds(30),
        List.of());
  }

  /**
   * These settings waiting for {@code n} members.
   *
   * @param n the number of usable members to wait for; 1 or more
   * @return a copy with {@code minMembers} set; these settings are unchanged
   * @throws IllegalArgumentException when {@code n} is less than 1
   */
  public ClusterSettings withMinMembers(int n) {
    return new ClusterSettings(cluster, join, secret, includeMaster, n, waitFor, allow);
  }

  /**
   * These settings waiting at most {@code d} for members.
   *
   * @param d the longest wait; not negative
   * @return a copy with {@code waitFor} set; these settings are unchanged
   * @throws IllegalArgumentException when {@code d} is negative
   */
  public ClusterSettings withWait(Duration d) {
    return new ClusterSettings(cluster, join, secret, includeMaster, minMembers, d, allow);
  }

  /**
   * These settings with the master running tasks too, or not.
   *
   * @param include true for the master to run tasks on its own threads as well
   * @return a copy with {@code includeMaster} set; these settings are unchanged
   */
  public ClusterSettings withIncludeMaster(boolean include) {
    return new ClusterSettings(cluster, join, secret, include, minMembers, waitFor, allow);
  }

  /**
   * Settings from executor options, then {@code env}, then the local workers' record under
   * {@code $STARMAP_HOME/workers}, then the defaults.
   *
   * @param options the executor options, by the names of the table above; not null
   * @param env the environment, usually {@link System#getenv()}; not null
   * @return validated settings
   * @throws IllegalArgumentException naming the bad or missing value
   * @throws io.starmap.core.StarmapException naming the job and its state when the recorded
   *     members ran as a Slurm job that ended ({@link SlurmJob#checkRecorded})
   */
  public static ClusterSettings from(Map<String, String> options, Map<String, String> env) {
    Optional<LocalWorkers.Cluster> local = LocalWorkers.readCluster(LocalWorkers.directory(env));
    String cluster = first(options.get("cluster"), env.get("STARMAP_CLUSTER_NAME"),
        local.map(LocalWorkers.Cluster::name).orElse(null), DEFAULT_CLUSTER);
    String join = first(options.get("join"), env.get("STARMAP_CLUSTER_JOIN"),
        local.map(c -> String.join(",", c.join())).orElse(null), DEFAULT_JOIN);
    String secret = first(options.get("secret"), env.get("STARMAP_CLUSTER_SECRET"),
        local.map(LocalWorkers.Cluster::secret).orElse(null), null);
    if (secret == null) {
      throw new IllegalArgumentException("the cluster executor needs the cluster's shared secret:"
          + " set STARMAP_CLUSTER_SECRET (or option secret), or start local workers with"
          + " 'starmap workers start', which records one");
    }
    if (local.isPresent() && first(options.get("join"), env.get("STARMAP_CLUSTER_JOIN"), null,
        null) == null) {
      SlurmJob.checkRecorded(LocalWorkers.directory(env), cluster); // its members may be gone
    }
    String allow = first(options.get("allow"), env.get("STARMAP_CLUSTER_ALLOW"), "", "");
    boolean includeMaster = bool(options.getOrDefault("includeMaster", "false"), "includeMaster");
    int minMembers = integer(options.getOrDefault("minMembers", "1"), "minMembers");
    int waitSeconds = integer(options.getOrDefault("waitSeconds", "30"), "waitSeconds");
    return new ClusterSettings(cluster, split(join), secret, includeMaster, minMembers,
        Duration.ofSeconds(waitSeconds), split(allow));
  }

  /**
   * The comma-separated items of {@code text}, trimmed, without empty ones.
   *
   * @param text comma-separated items; null or blank gives an empty list
   * @return the items, in order; a new mutable list
   */
  public static List<String> split(String text) {
    List<String> items = new ArrayList<>();
    if (text != null) {
      for (String s : text.split(",")) {
        if (!s.isBlank()) {
          items.add(s.strip());
        }
      }
    }
    return items;
  }

  /** Checks {@code host[:port]}. */
  static void checkAddress(String address, String what) {
    if (address == null || address.isBlank() || address.contains(" ")) {
      throw new IllegalArgumentException(what + " must be host or host:port, got '" + address
          + "'");
    }
    int colon = address.lastIndexOf(':');
    if (colon > 0 && address.indexOf(':') == colon) {
      String port = address.substring(colon + 1);
      try {
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(what + " has a bad port in '" + address
            + "' (a port range is not accepted: list each member)");
      }
    }
  }

  /** Checks a secret without printing it. */
  static void checkSecret(String secret) {
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("the cluster secret must not be blank (set"
          + " STARMAP_CLUSTER_SECRET)");
    }
    if (secret.strip().length() < 8) {
      throw new IllegalArgumentException("the cluster secret must have at least 8 characters,"
          + " it has " + secret.strip().length() + ": a short one is guessed from a member's"
          + " answer to a challenge, which anyone on the network sees");
    }
  }

  private static String first(String a, String b, String c, String d) {
    for (String s : new String[] {a, b, c}) {
      if (s != null && !s.isBlank()) {
        return s.strip();
      }
    }
    return d;
  }

  private static boolean bool(String v, String name) {
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw new IllegalArgumentException("option " + name
          + " must be true or false, got '" + v + "'");
    };
  }

  private static int integer(String v, String name) {
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("option " + name + " must be a whole number >= 0, got '"
        + v + "'");
  }

  @Override
  public String toString() {
    return "ClusterSettings[cluster=" + cluster + ", join=" + join + ", secret=***, includeMaster="
        + includeMaster + ", minMembers=" + minMembers + ", waitFor=" + waitFor + ", allow=" + allow
        + "]";
  }
}

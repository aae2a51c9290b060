package io.starmap.hazelcast;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;

/**
 * How a worker member runs. Validated when built; the secret is never printed.
 *
 * @param cluster the cluster name; members of other clusters are not joined
 * @param bind the address of the interface to bind and announce (127.0.0.1 by default)
 * @param port the port, or 0 for the first free one from 5701
 * @param join {@code host[:port]} of members to join; empty for the bind address itself
 * @param secret the shared secret; members and masters without it are refused
 * @param threads how many tasks the member runs at once
 * @param allow extra deserialization allow-list patterns, such as {@code com.example.**}
 */
public record WorkerSettings(String cluster, String bind, int port, List<String> join,
    String secret, int threads, List<String> allow) {

  /** Validates every field and names the bad one. */
  public WorkerSettings {
    if (cluster == null || cluster.isBlank()) {
      throw new IllegalArgumentException("cluster name must not be blank: '" + cluster + "'");
    }
    if (bind == null || bind.isBlank()) {
      throw new IllegalArgumentException("bind address must not be blank: '" + bind + "'");
    }
    if (!bind.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      throw new IllegalArgumentException("bind address must be the IP address of an interface"
          + " of this machine, such as 127.0.0.1 or 10.0.0.5, got '" + bind + "'");
    }
    try {
      if (InetAddress.getByName(bind).isAnyLocalAddress()) {
        throw new IllegalArgumentException("bind address must be one interface's address, not"
            + " the wildcard '" + bind + "': members bind to the interface they are told");
      }
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("bind address is not an IP address: '" + bind + "'", e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 (automatic) or 1-65535, got " + port);
    }
    join = List.copyOf(Objects.requireNonNull(join, "join"));
    for (String j : join) {
      ClusterSettings.checkAddress(j, "join address");
    }
    ClusterSettings.checkSecret(secret);
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    allow = List.copyOf(Objects.requireNonNull(allow, "allow"));
  }

  /**
   * Settings with the defaults: 127.0.0.1, port 5701 and up, one thread per core.
   *
   * @param cluster the cluster name; not blank
   * @param secret the shared secret, at least 8 characters
   * @return validated settings binding 127.0.0.1 on the first free port from 5701, joining
   *     nothing, one thread per available processor, no extra allow-list pattern
   * @throws IllegalArgumentException naming the bad value
   */
  public static WorkerSettings of(String cluster, String secret) {
    return new WorkerSettings(cluster, "127.0.0.1", 0, List.of(), secret,
        Runtime.getRuntime().availableProcessors(), List.of());
  }

  /**
   * These settings on another port.
   *
   * @param newPort the port, or 0 for the first free one from 5701
   * @return a validated copy; these settings are unchanged
   * @throws IllegalArgumentException when the port is outside 0 to 65535
   */
  public WorkerSettings withPort(int newPort) {
    return new WorkerSettings(cluster, bind, newPort, join, secret, threads, allow);
  }

  /**
   * These settings joining other members.
   *
   * @param newJoin {@code host[:port]} of members to join; empty to join none
   * @return a validated copy; these settings are unchanged
   * @throws IllegalArgumentException naming a malformed address
   */
  public WorkerSettings withJoin(List<String> newJoin) {
    return new WorkerSettings(cluster, bind, port, newJoin, secret, threads, allow);
  }

  /**
   * These settings with another number of threads.
   *
   * @param newThreads how many tasks the member runs at once; 1 or more
   * @return a validated copy; these settings are unchanged
   * @throws IllegalArgumentException when {@code newThreads} is less than 1
   */
  public WorkerSettings withThreads(int newThreads) {
    return new WorkerSettings(cluster, bind, port, join, secret, newThreads, allow);
  }

  @Override
  public String toString() {
    return "WorkerSettings[cluster=" + cluster + ", bind=" + bind + ", port=" + port + ", join="
        + join + ", secret=***, threads=" + threads + ", allow=" + allow + "]";
  }
}

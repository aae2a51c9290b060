package io.starmap.hazelcast.internal;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializationConfig;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Hazelcast configuration every Starmap member and master uses: bound to one interface,
 * TCP-IP join to a fixed list, no multicast, no auto-detection, no phone-home, no Jet, quiet
 * logging, and Java serialization limited to an allow-list (Starmap's own traffic needs none).
 */
public final class HazelcastSetup {
  /** The Hazelcast executor that runs Starmap's tasks on members. */
  public static final String EXECUTOR = "starmap";
  /** The executor of status calls, so that they are answered while every task thread is busy. */
  public static final String STATUS_EXECUTOR = "starmap-status";
  // Held so that the level set below is not lost when the logger is collected.
  private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

  private HazelcastSetup() {}

  /**
   * Sends Hazelcast's logging to java.util.logging at {@code level} (WARNING on members, which
   * write a log; OFF on masters, whose terminal belongs to the application).
   */
  public static void quietLogging(Level level) {
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "jdk");
    }
    if (HAZELCAST_LOG.getLevel() == null || HAZELCAST_LOG.getLevel().intValue() < level.intValue()) {
      HAZELCAST_LOG.setLevel(level);
    }
  }

  private static void common(Map<String, String> props) {
    props.put("hazelcast.phone.home.enabled", "false");
    props.put("hazelcast.logging.type", System.getProperty("hazelcast.logging.type", "jdk"));
  }

  private static void serialization(SerializationConfig s) {
    s.addDataSerializableFactory(SignedCall.FACTORY_ID, new SignedCall.Factory());
    // Hazelcast itself still Java-serializes some values (exceptions in responses); only its
    // own classes and the JDK's are accepted, on top of its default deny-list of gadgets.
    s.setJavaSerializationFilterConfig(new JavaSerializationFilterConfig()
        .setDefaultsDisabled(false)
        .setWhitelist(new ClassFilter().addPrefixes("com.hazelcast.", "java.", "[")));
  }

  /**
   * A member's configuration.
   *
   * @param instanceName Hazelcast's name of the instance
   * @param cluster the cluster name
   * @param bind the interface address to bind and announce
   * @param port the port, or 0 for 5701 and up
   * @param join {@code host[:port]} of members to join
   * @param threads tasks run at once
   * @param attributes the member attributes
   */
  public static Config member(String instanceName, String cluster, String bind, int port,
      List<String> join, int threads, Map<String, String> attributes) {
    Config cfg = new Config();
    cfg.setInstanceName(instanceName);
    cfg.setClusterName(cluster);
    Map<String, String> props = new java.util.HashMap<>();
    common(props);
    props.put("hazelcast.socket.bind.any", "false");
    // A member killed with SIGKILL is noticed through its closed connections within seconds;
    // these bound the time for the silent failures (a cable, a frozen VM).
    props.put("hazelcast.heartbeat.interval.seconds", "2");
    props.put("hazelcast.max.no.heartbeat.seconds", "20");
    props.forEach(cfg::setProperty);
    cfg.getJetConfig().setEnabled(false);
    cfg.getMetricsConfig().setEnabled(false);
    NetworkConfig net = cfg.getNetworkConfig();
    if (port > 0) {
      net.setPort(port).setPortAutoIncrement(false);
    } else {
      net.setPort(5701).setPortAutoIncrement(true).setPortCount(100);
    }
    net.getInterfaces().setEnabled(true).addInterface(bind);
    disableRestApi(net);
    JoinConfig j = net.getJoin();
    j.getMulticastConfig().setEnabled(false);
    j.getAutoDetectionConfig().setEnabled(false);
    j.getTcpIpConfig().setEnabled(true).setMembers(join.isEmpty() ? List.of(bind) : join);
    cfg.getExecutorConfig(EXECUTOR).setPoolSize(threads).setQueueCapacity(0)
        .setStatisticsEnabled(false);
    cfg.getExecutorConfig(STATUS_EXECUTOR).setPoolSize(1).setQueueCapacity(64)
        .setStatisticsEnabled(false);
    attributes.forEach(cfg.getMemberAttributeConfig()::setAttribute);
    serialization(cfg.getSerializationConfig());
    return cfg;
  }

  /**
   * A master's (client's) configuration.
   *
   * @param instanceName Hazelcast's name of the client
   * @param cluster the cluster name
   * @param join {@code host:port} of members to connect to
   * @param connectTimeoutMillis how long to try to reach the cluster
   */
  public static ClientConfig client(String instanceName, String cluster, List<String> join,
      long connectTimeoutMillis) {
    ClientConfig cfg = new ClientConfig();
    cfg.setInstanceName(instanceName);
    cfg.setClusterName(cluster);
    Map<String, String> props = new java.util.HashMap<>();
    common(props);
    props.put("hazelcast.client.statistics.enabled", "false");
    props.forEach(cfg::setProperty);
    cfg.getMetricsConfig().setEnabled(false);
    cfg.getNetworkConfig().setAddresses(new java.util.ArrayList<>(join));
    cfg.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(connectTimeoutMillis)
        .setInitialBackoffMillis(200).setMaxBackoffMillis(2000);
    serialization(cfg.getSerializationConfig());
    return cfg;
  }

  // Hazelcast 5 marks its REST endpoint for removal but still has it: it stays off until then.
  @SuppressWarnings("removal")
  private static void disableRestApi(NetworkConfig net) {
    net.getRestApiConfig().setEnabled(false);
  }
}

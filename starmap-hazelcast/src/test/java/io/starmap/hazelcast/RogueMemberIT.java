package io.starmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.starmap.core.FailurePolicy;
import io.starmap.core.Outcome;
import io.starmap.core.Run;
import io.starmap.core.Starmap;
import io.starmap.core.Task;
import io.starmap.core.TaskContext;
import io.starmap.hazelcast.internal.CallTap;
import io.starmap.hazelcast.internal.Reply;
import io.starmap.hazelcast.internal.SignedCall;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real rogue Hazelcast member, started here with nothing but the cluster name and the
 * attributes it copied from a genuine member, tries to take part: it relays the master's
 * challenges to the genuine member, forges task replies and replays a call captured from the
 * genuine traffic. The genuine member runs in this JVM with a tap on the calls it receives.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RogueMemberIT {
  static final AtomicInteger RUNS = new AtomicInteger();
  static final String MARKER = "password=Zq9Secret" + UUID.randomUUID().toString().substring(0, 8);

  /** The length of its argument; counts its runs (the genuine member runs in this JVM). */
  static final class Length implements Task<String, Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public Integer call(String x, TaskContext<String> ctx) {
      RUNS.incrementAndGet();
      return x.length();
    }
  }

  private static WorkerMember genuine;
  private static HazelcastInstance rogue;
  private static String rogueAddress;
  private static final List<String> ARGS =
      IntStream.range(0, 24).mapToObj(i -> MARKER + " row " + i).toList();
  private static final List<Outcome<Integer>> OUTCOMES = new ArrayList<>();
  private static List<MemberStatus> status;
  private static java.util.Set<String> usable;

  @BeforeAll
  static void runWithARogueInTheCluster() throws Exception {
    String cluster = "starmap-rogue-" + UUID.randomUUID();
    String secret = "rogue-test-secret-" + UUID.randomUUID();
    int port = MemberProcesses.freePort();
    String join = "127.0.0.1:" + port;
    genuine = WorkerMember.start(new WorkerSettings(cluster, "127.0.0.1", port, List.of(join),
        secret, 2, List.of()), config -> config.getSerializationConfig()
        .getDataSerializableFactories().put(SignedCall.FACTORY_ID,
            CallTap.factory(CallTap.Role.GENUINE)));
    rogue = startRogue(cluster, join, copyAttributes(cluster, join));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (genuine.clusterSize() < 2) {
      assertThat(System.nanoTime()).as("the rogue joined").isLessThan(deadline);
      Thread.sleep(100);
    }
    rogueAddress = rogue.getCluster().getLocalMember().getAddress().getHost() + ":"
        + rogue.getCluster().getLocalMember().getAddress().getPort();
    ClusterSettings settings = ClusterSettings.of(cluster, List.of(join), secret)
        .withWait(Duration.ofSeconds(60));
    try (ClusterExecutor executor = ClusterExecutor.connect(settings)) {
      status = executor.members();
      Starmap<String, Integer> sm = Starmap.builder("length", new Length()).executor(executor)
          .failurePolicy(FailurePolicy.COLLECT_ALL).build();
      try (Run<Integer> run = sm.submit(ARGS)) {
        run.forEach(OUTCOMES::add);
      }
      usable = executor.usableMembers();
    }
  }

  @AfterAll
  static void stop() {
    if (rogue != null) {
      rogue.shutdown();
    }
    if (genuine != null) {
      genuine.close();
    }
  }

  @Test
  void theRunIsRightRanOnTheGenuineMemberOnlyAndBlamesNobody() {
    assertThat(OUTCOMES).hasSize(ARGS.size()).allSatisfy(o -> {
      assertThat(o.failure()).isNull();
      assertThat(o.metrics().workerId()).isEqualTo(genuine.workerId());
    });
    assertThat(OUTCOMES).extracting(Outcome::get)
        .containsExactlyInAnyOrderElementsOf(ARGS.stream().map(String::length).toList());
    assertThat(usable).containsExactly(genuine.address() + " (" + genuine.workerId() + ")");
    assertThat(status).filteredOn(s -> s.address().equals(genuine.address()))
        .singleElement().satisfies(s -> assertThat(s.usable()).isTrue());
    assertThat(status).filteredOn(s -> s.address().equals(rogueAddress))
        .singleElement().satisfies(s -> assertThat(s.state())
            .contains("refused").contains("not the member it claims to be"));
  }

  @Test
  void theRogueReceivesNoTask() {
    assertThat(CallTap.ROGUE).as("calls the rogue received").isNotEmpty()
        .noneMatch(CallTap::isTask);
  }

  @Test
  void nothingTheRogueCanReadHoldsThePlaintextNorDoesTheTrafficOnTheWire() {
    assertThat(CallTap.ROGUE).allSatisfy(c -> assertThat(text(c.wire())).doesNotContain(MARKER));
    for (DistributedObject o : rogue.getDistributedObjects()) {
      if (o instanceof IMap<?, ?> map) {
        assertThat(String.valueOf(new HashMap<>(map))).doesNotContain(MARKER);
      }
    }
    for (Member m : rogue.getCluster().getMembers()) {
      assertThat(String.valueOf(m.getAttributes())).doesNotContain(MARKER)
          .as("the genuine member's host:pid is sealed").doesNotContain(genuine.workerId());
    }
    // The calls as they crossed the network to the genuine member: encrypted.
    List<CallTap> tasks = CallTap.GENUINE.stream().filter(CallTap::isTask).toList();
    assertThat(tasks).isNotEmpty()
        .allSatisfy(c -> assertThat(text(c.wire())).doesNotContain(MARKER));
  }

  @Test
  void aGenuineCallCapturedOnTheWireAndReplayedByTheRogueIsRefusedUnrun() throws Exception {
    List<CallTap> tasks = CallTap.GENUINE.stream().filter(CallTap::isTask).toList();
    assertThat(tasks).as("genuine task calls captured").isNotEmpty();
    Member target = rogue.getCluster().getMembers().stream()
        .filter(m -> !m.localMember()).findFirst().orElseThrow();
    int before = RUNS.get();
    for (CallTap captured : List.of(tasks.get(0), tasks.get(tasks.size() - 1))) {
      Reply replayed = Reply.parse(captured.sendAgain(rogue, target));
      assertThat(replayed.refusal()).as("the answer to a replayed call")
          .isNotNull().contains("used before");
    }
    assertThat(RUNS.get()).isEqualTo(before);
  }

  private static String text(byte[] bytes) {
    return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** What an outsider who knows the cluster name reads of the genuine member's attributes. */
  private static Map<String, String> copyAttributes(String cluster, String join) {
    ClientConfig cfg = new ClientConfig();
    cfg.setClusterName(cluster);
    cfg.getNetworkConfig().addAddress(join);
    HazelcastInstance probe = HazelcastClient.newHazelcastClient(cfg);
    try {
      return new HashMap<>(probe.getCluster().getMembers().iterator().next().getAttributes());
    } finally {
      probe.shutdown();
    }
  }

  /** A plain Hazelcast member with the copied attributes, which taps and attacks calls. */
  private static HazelcastInstance startRogue(String cluster, String join,
      Map<String, String> attributes) {
    Config cfg = new Config();
    cfg.setClusterName(cluster);
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.getJetConfig().setEnabled(false);
    cfg.getNetworkConfig().setPort(MemberProcesses.freePort()).setPortAutoIncrement(false);
    cfg.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    cfg.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    cfg.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    cfg.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember(join);
    attributes.forEach(cfg.getMemberAttributeConfig()::setAttribute);
    cfg.getSerializationConfig().addDataSerializableFactory(SignedCall.FACTORY_ID,
        CallTap.factory(CallTap.Role.ROGUE));
    return Hazelcast.newHazelcastInstance(cfg);
  }
}

package io.starmap.hazelcast;

import io.starmap.core.ExecutorContractTest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The executor contract, on 2 members in separate JVMs on loopback, 2 threads each. */
class ClusterExecutorContractIT extends ExecutorContractTest {
  private static MemberProcesses members;

  @BeforeAll
  static void startMembers() {
    members = new MemberProcesses().start(2, 2);
    // Wait once for both members, so that each test connects to a formed cluster.
    ClusterExecutor.connect(members.settings(2)).close();
  }

  @AfterAll
  static void stopMembers() {
    if (members != null) {
      members.close();
    }
  }

  @Override
  protected String executorName() {
    return "cluster";
  }

  @Override
  protected Map<String, String> options() {
    return members.options(2);
  }

  /** The cluster's capacity: 2 members of 2 threads. */
  @Override
  protected int workers() {
    return 4;
  }

  @Override
  protected boolean runsTasksInOtherJvms() {
    return true;
  }
}

package io.starmap.hazelcast;

import io.starmap.core.spi.ExecutorProvider;
import io.starmap.core.spi.TaskExecutor;
import java.util.Map;

/**
 * Provides the {@code cluster} executor. Its settings come from the starmap's options ({@code
 * join}, {@code cluster}, {@code secret}, {@code allow}, {@code includeMaster}, {@code
 * minMembers}, {@code waitSeconds}), the environment ({@code STARMAP_CLUSTER_JOIN}, {@code
 * STARMAP_CLUSTER_NAME}, {@code STARMAP_CLUSTER_SECRET}, {@code STARMAP_CLUSTER_ALLOW}) or the
 * local workers recorded by {@code starmap workers start}; see {@link ClusterSettings}.
 *
 * <p>The number of workers is the cluster's: the sum of the members' threads. The {@code
 * workers} the starmap asks for is not used, since the members decide how many tasks they run.
 */
public final class ClusterExecutorProvider implements ExecutorProvider {
  /** Creates the provider; {@link java.util.ServiceLoader} calls this, and it connects nothing. */
  public ClusterExecutorProvider() {}

  @Override
  public String name() {
    return "cluster";
  }

  @Override
  public TaskExecutor create(int workers, Map<String, String> options) {
    return ClusterExecutor.connect(ClusterSettings.from(options, System.getenv()));
  }
}

/**
 * The {@code cluster} executor: tasks run on Hazelcast members that prove they hold the cluster's
 * secret. The API is {@link io.starmap.hazelcast}: settings, the members' status, and local
 * members for one machine.
 *
 * @provides io.starmap.core.spi.ExecutorProvider the {@code cluster} executor
 */
module io.starmap.hazelcast {
  requires transitive io.starmap.core;
  requires com.hazelcast.core;
  requires java.logging;

  exports io.starmap.hazelcast;

  provides io.starmap.core.spi.ExecutorProvider with
      io.starmap.hazelcast.ClusterExecutorProvider;
}

/**
 * The starmap and its executors: apply a task to many arguments in parallel, instrumented. The API
 * is {@link io.starmap.core}; executors plug in through {@link io.starmap.core.spi} and are found
 * by name with {@link java.util.ServiceLoader}; {@link io.starmap.core.processes} manages the
 * worker JVMs of the {@code processes} executor.
 *
 * <p>{@code io.starmap.core.internal.util} (owner-only files, byte counts, per-thread meters, the
 * host's name) is shared with Starmap's own modules only.
 *
 * @uses io.starmap.core.spi.ExecutorProvider
 * @provides io.starmap.core.spi.ExecutorProvider the {@code processes} executor
 */
module io.starmap.core {
  requires java.management;
  requires jdk.management;
  requires jdk.jfr;

  exports io.starmap.core;
  exports io.starmap.core.spi;
  exports io.starmap.core.processes;
  exports io.starmap.core.internal.util to
      io.starmap.store, io.starmap.embedded, io.starmap.importer, io.starmap.hazelcast,
      io.starmap.ui;

  uses io.starmap.core.spi.ExecutorProvider;

  provides io.starmap.core.spi.ExecutorProvider with
      io.starmap.core.internal.process.ProcessesProvider;
}

/**
 * The executor SPI: how the starmap hands tasks to where they run. An executor implements {@link
 * io.starmap.core.spi.TaskExecutor}, runs every task through {@link io.starmap.core.spi.TaskRunner}
 * and is found by name through an {@link io.starmap.core.spi.ExecutorProvider} registered with
 * {@link java.util.ServiceLoader}. The abstract {@code io.starmap.core.ExecutorContractTest} in the
 * test jar is the contract every executor passes.
 */
package io.starmap.core.spi;

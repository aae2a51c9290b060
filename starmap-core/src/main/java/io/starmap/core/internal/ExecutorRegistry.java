package io.starmap.core.internal;

import io.starmap.core.spi.ExecutorProvider;
import io.starmap.core.spi.TaskExecutor;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds executors by name: the built-in ones, then the {@link ExecutorProvider}s on the path. */
public final class ExecutorRegistry {
  private ExecutorRegistry() {}

  /** The names that {@link #create} accepts. */
  public static TreeSet<String> names() {
    TreeSet<String> names = new TreeSet<>(java.util.List.of("no", "threads", "virtual"));
    for (ExecutorProvider p : ServiceLoader.load(ExecutorProvider.class)) {
      names.add(p.name());
    }
    return names;
  }

  /** Creates the executor {@code name} with {@code workers} workers. */
  public static TaskExecutor create(String name, int workers, Map<String, String> options) {
    switch (name) {
      case "no":
        return new SequentialExecutor();
      case "threads":
        return PoolExecutor.threads(workers);
      case "virtual":
        return PoolExecutor.virtual(workers);
      default:
        for (ExecutorProvider p : ServiceLoader.load(ExecutorProvider.class)) {
          if (p.name().equals(name)) {
            return p.create(workers, options);
          }
        }
        throw new IllegalArgumentException(
            "unknown executor '" + name + "'; known executors: " + String.join(", ", names()));
    }
  }
}

package io.starmap.core.internal.process;

import io.starmap.core.StarmapException;
import io.starmap.core.Task;
import io.starmap.core.spi.Codec;
import io.starmap.core.spi.TaskRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The task functions of a pool, each encoded once and sent once per worker, then named by its id.
 * Guarded by the pool's lock ({@code lock}), held only for the look-ups: a function is encoded
 * outside it. Encoding a function of a new package widens the allow-list of the Java codec, whose
 * version the {@link FrameWriter} compares with what each worker received.
 */
final class DefinitionCache {
  /** A task function sent once per worker, then named by its id. */
  record Definition(long id, String runId, String taskName, byte[] bytes) {}

  private record Key(Task<?, ?> task, String runId, String taskName) {}

  private final Object lock;
  private final Codec codec;
  private final Map<Key, Definition> definitions = new HashMap<>();
  private long nextDefinition;
  /** Bumped under {@code lock}; read by the writers without it. */
  private volatile int allowVersion;

  DefinitionCache(Object lock, Codec codec) {
    this.lock = lock;
    this.codec = codec;
  }

  /** The definition of {@code request}'s function, encoded now if it is new. */
  Definition definition(TaskRequest<?, ?> request) {
    Key key = new Key(request.task(), request.runId(), request.taskName());
    synchronized (lock) {
      Definition d = definitions.get(key);
      if (d != null) {
        return d;
      }
    }
    if (codec instanceof JavaSerializationCodec java) {
      // The task's own package is trusted: the user wrote it and it runs on both sides.
      List<String> before = java.rules();
      java.allow(AllowList.packageRule(request.task().getClass()));
      if (!before.equals(java.rules())) {
        synchronized (lock) {
          allowVersion++;
        }
      }
    }
    byte[] bytes;
    try {
      bytes = codec.encode(request.task());
    } catch (IllegalArgumentException e) {
      throw new StarmapException("the function of task " + request.taskName() + " (a "
          + request.task().getClass().getName() + ") cannot be sent to a worker process: "
          + e.getMessage() + "; a lambda is sent with everything it captures", e);
    }
    synchronized (lock) {
      return definitions.computeIfAbsent(key, k -> new Definition(nextDefinition++,
          request.runId(), request.taskName(), bytes));
    }
  }

  /** The version of the allow-list: it grows each time a task's package joins it. */
  int allowVersion() {
    return allowVersion;
  }

  /** Empties the cache and returns the ids it held; called under {@code lock}. */
  List<Long> forgetLocked() {
    List<Long> ids = new ArrayList<>(definitions.size());
    for (Definition d : definitions.values()) {
      ids.add(d.id());
    }
    definitions.clear();
    return ids;
  }
}

package io.starmap.core;

import io.starmap.core.internal.ExecutorRegistry;
import io.starmap.core.internal.RunEngine;
import io.starmap.core.spi.TaskExecutor;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Applies one task to many argument values, in parallel, and hands back the outcomes as they
 * complete: the only concurrency primitive an application needs (shared nothing: workers read,
 * only the master writes).
 *
 * <pre>{@code
 * Starmap<Path, Long> lines = Starmap.builder("count", (Path p, TaskContext<Path> ctx) -> {
 *       try (var m = ctx.measure("read")) { return Files.lines(p).count(); }
 *     })
 *     .executor("threads").workers(4)
 *     .build();
 * long total = lines.reduce(paths, 0L, Long::sum);
 * }</pre>
 *
 * <p>Where tasks run is chosen at run time, not in the code: {@code no} (sequentially in the
 * caller's thread), {@code threads}, {@code virtual}, and any executor plugged in through {@link
 * io.starmap.core.spi.ExecutorProvider} ({@code processes}, {@code cluster}). Without an explicit
 * choice the environment decides ({@code STARMAP_EXECUTOR}, {@code STARMAP_WORKERS}), else {@code
 * threads} on every core.
 *
 * <p>A {@code Starmap} is immutable and thread-safe; each {@link #submit} starts an independent
 * {@link Run}.
 *
 * @param <A> the argument type
 * @param <R> the result type
 */
public final class Starmap<A, R> {
  /**
   * The default in-flight bound per worker, reached only by tasks of a few microseconds at most.
   * High enough that a millisecond of such tasks is queued ahead of the workers: beside busy
   * processes, a bound of 64 made the workers run dry and park about 50 times per 1,000 empty tasks,
   * each time waiting for a core, and an empty task cost 1.9 us instead of 1.1.
   */
  static final int ADAPTIVE_WINDOW_PER_WORKER = 8192;

  private final Builder<A, R> b;

  private Starmap(Builder<A, R> builder) {
    this.b = builder.copy();
  }

  /**
   * Starts configuring a starmap.
   *
   * @param name the task's name, as the records and views show it; not blank
   * @param task the function to apply
   * @param <A> the type of a task's argument
   * @param <R> the type of a task's result
   * @return a new builder with the default settings
   */
  public static <A, R> Builder<A, R> builder(String name, Task<A, R> task) {
    return new Builder<>(name, task);
  }

  /**
   * Starts configuring a starmap of a plain function, whose argument and result types are inferred:
   * {@code Starmap.map("square", (Long n) -> n * n)} or {@code Starmap.map("work", MyApp::work)}.
   *
   * @param name the task's name, as the records and views show it; not blank
   * @param function the function to apply to each argument value
   * @param <A> the argument type
   * @param <R> the result type
   * @return a builder of a starmap of {@code Task.of(function)}
   */
  public static <A, R> Builder<A, R> map(String name, Task.PlainFunction<A, R> function) {
    return new Builder<>(name, Task.of(function));
  }

  /**
   * A run over the values of {@code args}; its size is known, so progress has a total.
   *
   * @param args the arguments, one task each; not null; read as tasks are submitted
   * @return the run; close it (try-with-resources) to stop what is still in flight
   */
  public Run<R> submit(Collection<? extends A> args) {
    return start(args.iterator(), args.size());
  }

  /**
   * A run over {@code args}, pulled lazily as tasks are submitted.
   *
   * @param args the arguments, one task each; not null; iterated once
   * @return the run; close it (try-with-resources) to stop what is still in flight
   */
  public Run<R> submit(Iterable<? extends A> args) {
    if (args instanceof Collection<? extends A> c) {
      return submit(c);
    }
    return start(args.iterator(), -1);
  }

  /**
   * A run over {@code args}, pulled lazily as tasks are submitted.
   *
   * @param args the arguments, one task each; not null; consumed once
   * @return the run; close it (try-with-resources) to stop what is still in flight
   */
  public Run<R> submit(Stream<? extends A> args) {
    return start(args.iterator(), -1);
  }

  /**
   * Runs the task on every value of {@code args} and folds the results.
   *
   * @param identity the initial accumulator
   * @param accumulator folds one result into the accumulator
   * @param <T> the accumulator's type
   * @param args the arguments, one task each; not null; iterated once
   * @return the accumulator after every successful result was folded in
   * @throws TaskFailedException under {@link FailurePolicy#FAIL_FAST}, for the first failed task
   */
  public <T> T reduce(Iterable<? extends A> args, T identity,
      BiFunction<T, ? super R, T> accumulator) {
    try (Run<R> run = submit(args)) {
      return run.reduce(identity, accumulator);
    }
  }

  private Run<R> start(Iterator<? extends A> source, long size) {
    TaskExecutor executor = b.sharedExecutor;
    boolean owns = false;
    if (executor == null) {
      executor = ExecutorRegistry.create(b.resolvedExecutor(), b.resolvedWorkers(), b.options);
      owns = true;
    }
    // In the caller's thread a task runs when submitted: one at a time keeps "no" a faithful
    // debugger (each outcome is seen before the next task starts).
    boolean sequential = executor instanceof io.starmap.core.internal.SequentialExecutor;
    int maxInFlight = b.maxInFlight > 0 ? b.maxInFlight
        : sequential ? 1
        : ADAPTIVE_WINDOW_PER_WORKER * executor.workers();
    boolean adaptive = b.maxInFlight == 0 && !sequential;
    return new RunEngine<>(new RunEngine.Settings<>(b.name, b.task, executor, owns, maxInFlight,
        adaptive, b.policy, b.guard, b.recorder, b.progress, b.weight, b.describe), source, size);
  }

  /** The default rendering of an argument: cheap for big collections and arrays. */
  static String brief(Object args) {
    if (args instanceof Collection<?> c && c.size() > 8) {
      return args.getClass().getSimpleName() + " of " + c.size() + " items";
    }
    if (args instanceof Map<?, ?> m && m.size() > 8) {
      return args.getClass().getSimpleName() + " of " + m.size() + " entries";
    }
    if (args != null && args.getClass().isArray()) {
      int length = java.lang.reflect.Array.getLength(args);
      if (length > 8 || !(args instanceof Object[])) {
        return args.getClass().getComponentType().getSimpleName() + "[" + length + "]";
      }
      return java.util.Arrays.deepToString((Object[]) args);
    }
    return String.valueOf(args);
  }

  /**
   * The executor name this starmap runs on.
   *
   * @return the executor's name, such as {@code threads} or {@code processes}
   */
  public String executorName() {
    return b.sharedExecutor != null ? b.sharedExecutor.name() : b.resolvedExecutor();
  }

  /**
   * The number of workers this starmap runs on (1 for {@code no}).
   *
   * @return the number of tasks that run at once; 1 or more
   */
  public int workers() {
    if (b.sharedExecutor != null) {
      return b.sharedExecutor.workers();
    }
    return b.resolvedExecutor().equals("no") ? 1 : b.resolvedWorkers();
  }

  /**
   * Configures a {@link Starmap}. Every setter validates its value at once and names it in the
   * error message; {@link #build} checks the whole.
   *
   * @param <A> the type of a task's argument
   * @param <R> the type of a task's result
   */
  public static final class Builder<A, R> {
    private final String name;
    private final Task<A, R> task;
    private String executor;
    private TaskExecutor sharedExecutor;
    private int workers;
    private int maxInFlight;
    private FailurePolicy policy = FailurePolicy.FAIL_FAST;
    private MemoryGuard guard = MemoryGuard.defaults();
    private Recorder recorder = Recorder.none();
    private ProgressListener progress = ProgressListener.none();
    private ToDoubleFunction<? super A> weight = a -> 1.0;
    private Function<? super A, String> describe = Starmap::brief;
    private final Map<String, String> options = new LinkedHashMap<>();
    private Map<String, String> env = System.getenv();

    private Builder(String name, Task<A, R> task) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("task name must not be blank: '" + name + "'");
      }
      this.name = name;
      this.task = Objects.requireNonNull(task, "task");
    }

    private Builder<A, R> copy() {
      Builder<A, R> c = new Builder<>(name, task);
      c.executor = executor;
      c.sharedExecutor = sharedExecutor;
      c.workers = workers;
      c.maxInFlight = maxInFlight;
      c.policy = policy;
      c.guard = guard;
      c.recorder = recorder;
      c.progress = progress;
      c.weight = weight;
      c.describe = describe;
      c.options.putAll(options);
      c.env = env;
      return c;
    }

    /**
     * Runs on the executor named {@code name} ({@code no}, {@code threads}, {@code virtual}...).
     *
     * @param name an executor name known to the built-in executors or an {@code ExecutorProvider}
     * @return this builder
     * @throws IllegalArgumentException when the name is blank or unknown, listing the known ones
     */
    public Builder<A, R> executor(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("executor name must not be blank: '" + name + "'");
      }
      if (!ExecutorRegistry.names().contains(name)) {
        throw new IllegalArgumentException("unknown executor '" + name + "'; known executors: "
            + String.join(", ", ExecutorRegistry.names()));
      }
      this.executor = name;
      return this;
    }

    /**
     * Runs on an executor that the caller owns and closes (for example a pool of worker
     * processes kept across runs). The run does not close it.
     *
     * @param shared an open executor; not null
     * @return this builder
     */
    public Builder<A, R> executor(TaskExecutor shared) {
      this.sharedExecutor = Objects.requireNonNull(shared, "executor");
      return this;
    }

    /**
     * How many tasks run at once; default {@code STARMAP_WORKERS}, else the number of cores.
     *
     * @param workers the number of workers; 1 or more
     * @return this builder
     */
    public Builder<A, R> workers(int workers) {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be positive, got " + workers);
      }
      this.workers = workers;
      return this;
    }

    /**
     * The back-pressure bound: at most this many tasks submitted and not yet consumed. By default
     * the bound adapts to the tasks: {@code 2 x workers} while tasks take a millisecond or more,
     * growing up to {@code 8192 x workers} for shorter ones, so that the work queued ahead of the
     * workers lasts about a millisecond (short tasks are then handed over in batches, which keeps
     * their cost low on a busy machine); 1 for {@code no}. Setting it fixes the bound.
     *
     * @param maxInFlight the fixed bound; 1 or more
     * @return this builder
     */
    public Builder<A, R> maxInFlight(int maxInFlight) {
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be positive, got " + maxInFlight);
      }
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * What to do when a task fails; default {@link FailurePolicy#FAIL_FAST}.
     *
     * @param policy the failure policy; not null
     * @return this builder
     */
    public Builder<A, R> failurePolicy(FailurePolicy policy) {
      this.policy = Objects.requireNonNull(policy, "failurePolicy");
      return this;
    }

    /**
     * The memory limits; default {@link MemoryGuard#defaults()}.
     *
     * @param guard the memory limits; not null
     * @return this builder
     */
    public Builder<A, R> memoryGuard(MemoryGuard guard) {
      this.guard = Objects.requireNonNull(guard, "memoryGuard");
      return this;
    }

    /**
     * Where the records of each run go; default nowhere.
     *
     * @param recorder the recorder that receives the run's events; not null
     * @return this builder
     */
    public Builder<A, R> recorder(Recorder recorder) {
      this.recorder = Objects.requireNonNull(recorder, "recorder");
      return this;
    }

    /**
     * Who hears of progress; default nobody.
     *
     * @param progress the listener called after each outcome, on the consuming thread; not null
     * @return this builder
     */
    public Builder<A, R> progress(ProgressListener progress) {
      this.progress = Objects.requireNonNull(progress, "progress");
      return this;
    }

    /**
     * The weight of an argument, recorded with its task; default 1.
     *
     * @param weight gives a non-negative weight for an argument; not null
     * @return this builder
     */
    public Builder<A, R> weight(ToDoubleFunction<? super A> weight) {
      this.weight = Objects.requireNonNull(weight, "weight");
      return this;
    }

    /**
     * How an argument is named in errors, outcomes and records (cut to 120 characters); by
     * default {@code String.valueOf}, except that collections, maps and arrays of more than 8
     * elements are named by their type and size, so that big arguments are never rendered whole.
     *
     * @param describe gives the name of an argument; not null
     * @return this builder
     */
    public Builder<A, R> describe(Function<? super A, String> describe) {
      this.describe = Objects.requireNonNull(describe, "describe");
      return this;
    }

    /**
     * An executor-specific option, such as {@code jvmOptions} for {@code processes}.
     *
     * @param key the option's name; not blank
     * @param value the option's value; not null
     * @return this builder
     */
    public Builder<A, R> option(String key, String value) {
      options.put(Objects.requireNonNull(key, "option key"),
          Objects.requireNonNull(value, "value of option " + key));
      return this;
    }

    /**
     * Reads {@code STARMAP_EXECUTOR} and {@code STARMAP_WORKERS} from {@code env} (for tests).
     *
     * @param env the variables to read in place of {@link System#getenv()}; not null
     * @return this builder
     */
    public Builder<A, R> environment(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    String resolvedExecutor() {
      if (executor != null) {
        return executor;
      }
      String fromEnv = env.get("STARMAP_EXECUTOR");
      if (fromEnv != null && !fromEnv.isBlank()) {
        if (!ExecutorRegistry.names().contains(fromEnv.trim())) {
          throw new IllegalArgumentException("STARMAP_EXECUTOR names an unknown executor '"
              + fromEnv + "'; known executors: " + String.join(", ", ExecutorRegistry.names()));
        }
        return fromEnv.trim();
      }
      return "threads";
    }

    int resolvedWorkers() {
      if (workers > 0) {
        return workers;
      }
      String fromEnv = env.get("STARMAP_WORKERS");
      if (fromEnv != null && !fromEnv.isBlank()) {
        try {
          int n = Integer.parseInt(fromEnv.trim());
          if (n > 0) {
            return n;
          }
        } catch (NumberFormatException e) {
          // reported below with the same message as a negative number
        }
        throw new IllegalArgumentException(
            "STARMAP_WORKERS must be a positive whole number, got '" + fromEnv + "'");
      }
      return Runtime.getRuntime().availableProcessors();
    }

    /**
     * A starmap with this configuration; the builder can be reused.
     *
     * @return a new starmap, independent of later changes to this builder
     */
    public Starmap<A, R> build() {
      resolvedExecutor();
      resolvedWorkers();
      return new Starmap<>(this);
    }
  }
}

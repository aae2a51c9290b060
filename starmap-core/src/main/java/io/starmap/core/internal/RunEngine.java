package io.starmap.core.internal;

import io.starmap.core.FailurePolicy;
import io.starmap.core.MemoryGuard;
import io.starmap.core.MemoryLimitExceededException;
import io.starmap.core.Outcome;
import io.starmap.core.Progress;
import io.starmap.core.ProgressListener;
import io.starmap.core.Recorder;
import io.starmap.core.Run;
import io.starmap.core.RunAbortedException;
import io.starmap.core.RunInfo;
import io.starmap.core.RunSummary;
import io.starmap.core.StarmapException;
import io.starmap.core.Task;
import io.starmap.core.TaskFailedException;
import io.starmap.core.TaskMetrics;
import io.starmap.core.TaskStatus;
import io.starmap.core.spi.TaskExecutor;
import io.starmap.core.spi.TaskReply;
import io.starmap.core.spi.TaskRequest;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The master's loop of one run. It lives in the consuming thread: it pulls arguments lazily, keeps
 * at most {@code maxInFlight} tasks submitted, takes replies in completion order, records them and
 * submits the next task as each one completes. Executors only ever touch the reply queue.
 */
public final class RunEngine<A, R> implements Run<R>, Iterator<Outcome<R>> {
  private static final System.Logger LOG = System.getLogger("io.starmap");

  /** Everything a run needs besides its arguments; built and validated by {@code Starmap}. */
  public record Settings<A, R>(
      String name,
      Task<A, R> task,
      TaskExecutor executor,
      boolean ownsExecutor,
      int maxInFlight,
      boolean adaptiveInFlight,
      FailurePolicy policy,
      MemoryGuard guard,
      Recorder recorder,
      ProgressListener progress,
      ToDoubleFunction<? super A> weight,
      Function<? super A, String> describe) {}

  private enum State { NEW, RUNNING, DONE }

  private record Pending(String summary, double weight) {}

  private final Settings<A, R> s;
  private final Iterator<? extends A> source;
  private final long sourceSize;
  private final String runId = UUID.randomUUID().toString();
  private final ArrayDeque<A> subtasks = new ArrayDeque<>();
  private final Map<Long, Pending> inFlight = new HashMap<>();
  private final LinkedBlockingQueue<TaskReply> replies = new LinkedBlockingQueue<>();
  // Replies taken from the queue in one go: one lock round per batch, not per reply.
  private final ArrayDeque<TaskReply> taken = new ArrayDeque<>();
  private final InFlightWindow window;
  private final HeapWatch heap;
  private final Consumer<String> heapWarning = message -> {
    LOG.log(Level.WARNING, message);
    record(r -> r.log(Level.WARNING, message));
  };
  private State state = State.NEW;
  private boolean iterated;
  private Outcome<R> next;
  private long submitted, succeeded, failed, cancelled, subtasksAdded;
  private long bytesSent, bytesReceived;
  private long t0, t1;
  private RunSummary.Status status;
  private boolean recorderBroken, progressBroken;

  /** A run of {@code settings} over {@code source}, of {@code size} arguments or -1 if unknown. */
  public RunEngine(Settings<A, R> settings, Iterator<? extends A> source, long size) {
    this.s = settings;
    this.source = source;
    this.sourceSize = size;
    this.heap = new HeapWatch(settings.name(), settings.guard());
    int workers = settings.executor().workers();
    this.window = settings.adaptiveInFlight()
        ? InFlightWindow.adaptive(workers, Math.min(2 * workers, settings.maxInFlight()),
            settings.maxInFlight())
        : InFlightWindow.fixed(settings.maxInFlight());
  }

  @Override
  public Iterator<Outcome<R>> iterator() {
    if (iterated) {
      throw new IllegalStateException("run of " + s.name() + " can be iterated only once");
    }
    iterated = true;
    return this;
  }

  @Override
  public <T> T reduce(T identity, BiFunction<T, ? super R, T> accumulator) {
    T acc = identity;
    for (Outcome<R> outcome : this) {
      if (outcome.succeeded()) {
        acc = accumulator.apply(acc, outcome.value());
      }
    }
    return acc;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (state == State.DONE) {
      return false;
    }
    if (state == State.NEW) {
      start();
    }
    try {
      while (true) {
        fill();
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        if (inFlight.isEmpty()) {
          finish(RunSummary.Status.COMPLETE, null);
          return false;
        }
        Outcome<R> outcome = accept(nextReply());
        if (outcome != null) {
          next = outcome;
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      RunAbortedException aborted = new RunAbortedException(
          "run of " + s.name() + " aborted by an interrupt after " + (succeeded + failed)
              + " of " + submitted + " submitted tasks", e);
      finish(RunSummary.Status.ABORTED, aborted);
      throw aborted;
    }
  }

  @Override
  public Outcome<R> next() {
    if (!hasNext()) {
      throw new NoSuchElementException("run of " + s.name() + " has no more outcomes");
    }
    Outcome<R> outcome = next;
    next = null;
    return outcome;
  }

  private void start() {
    state = State.RUNNING;
    t0 = System.nanoTime();
    record(r -> r.runStarted(new RunInfo(runId, s.name(), s.executor().name(),
        s.executor().workers(), s.maxInFlight(), System.currentTimeMillis(), sourceSize)));
  }

  private TaskReply nextReply() throws InterruptedException {
    TaskReply reply = taken.poll();
    if (reply == null) {
      reply = replies.take();
      replies.drainTo(taken, 255);
    }
    return reply;
  }

  private void fill() {
    // An interrupted consumer submits nothing more (the sequential executor would run it).
    while (inFlight.size() < window.size() && !Thread.currentThread().isInterrupted()) {
      A args;
      if (!subtasks.isEmpty()) {
        args = subtasks.poll();
      } else if (sourceHasNext()) {
        args = sourceNext();
      } else {
        return;
      }
      long taskNo = submitted++;
      String summary = describe(args);
      double weight = weigh(taskNo, summary, args);
      inFlight.put(taskNo, new Pending(summary, weight));
      try {
        s.executor().submit(
            new TaskRequest<>(runId, s.name(), taskNo, s.task(), args, weight), replies::add);
      } catch (RuntimeException e) {
        inFlight.remove(taskNo);
        // An executor's own StarmapException already names the task and says why: wrapping it
        // would only repeat its message one level down.
        StarmapException failure = e instanceof StarmapException own ? own
            : new StarmapException("cannot submit task " + s.name() + "#" + taskNo + "("
                + summary + ") to the " + s.executor().name() + " executor: " + e.getMessage(), e);
        finish(RunSummary.Status.FAILED, failure);
        throw failure;
      }
    }
  }

  private boolean sourceHasNext() {
    try {
      return source.hasNext();
    } catch (RuntimeException e) {
      throw sourceFailed(e);
    }
  }

  private A sourceNext() {
    try {
      return source.next();
    } catch (RuntimeException e) {
      throw sourceFailed(e);
    }
  }

  private StarmapException sourceFailed(RuntimeException e) {
    StarmapException failure = new StarmapException("the arguments of " + s.name()
        + " could not be read after " + (submitted - subtasksAdded) + " values: "
        + e.getMessage(), e);
    finish(RunSummary.Status.FAILED, failure);
    return failure;
  }

  private double weigh(long taskNo, String summary, A args) {
    try {
      return s.weight().applyAsDouble(args);
    } catch (RuntimeException e) {
      StarmapException failure = new StarmapException("the weight function of " + s.name()
          + " failed on task #" + taskNo + "(" + summary + "): " + e.getMessage(), e);
      submitted--;
      finish(RunSummary.Status.FAILED, failure);
      throw failure;
    }
  }

  private String describe(A args) {
    try {
      String text = s.describe().apply(args);
      return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    } catch (RuntimeException e) {
      return args == null ? "null" : args.getClass().getSimpleName();
    }
  }

  @SuppressWarnings("unchecked")
  private Outcome<R> accept(TaskReply reply) throws InterruptedException {
    Pending pending = inFlight.remove(reply.taskNo());
    if (pending == null) {
      return null; // a late reply of a task that was already given up
    }
    TaskMetrics metrics = reply.metrics();
    window.taskTook(metrics.wallNanos());
    bytesSent += metrics.bytesSent();
    bytesReceived += metrics.bytesReceived();
    record(r -> r.taskCompleted(metrics, reply.operations()));
    Outcome<R> outcome;
    if (reply.error() == null) {
      succeeded++;
      for (Object sub : reply.subtasks()) {
        subtasks.add((A) sub);
        subtasksAdded++;
      }
      outcome = new Outcome<>(reply.taskNo(), pending.summary(), (R) reply.value(), null, metrics,
          reply.operations());
    } else {
      if (Thread.interrupted()) {
        // The task failed because the consumer, running it (sequential executor), was interrupted.
        throw new InterruptedException();
      }
      TaskFailedException failure = new TaskFailedException(reply.taskNo(), s.name(),
          pending.summary(), metrics.workerId(), reply.error());
      if (metrics.status() == TaskStatus.CANCELLED) {
        cancelled++;
      } else {
        failed++;
      }
      if (s.policy() == FailurePolicy.FAIL_FAST) {
        finish(RunSummary.Status.FAILED, failure);
        throw failure;
      }
      outcome = new Outcome<>(reply.taskNo(), pending.summary(), null, failure, metrics,
          reply.operations());
    }
    long now = System.nanoTime();
    checkMemory(reply.taskNo(), now);
    if (!progressBroken) {
      try {
        long total = sourceSize < 0 ? -1 : sourceSize + subtasksAdded;
        s.progress().onProgress(new Progress(s.name(), submitted, succeeded + failed + cancelled,
            failed, inFlight.size(), total, now - t0));
      } catch (RuntimeException e) {
        progressBroken = true;
        LOG.log(Level.WARNING, "progress listener failed and is ignored from now on", e);
      }
    }
    return outcome;
  }

  private void checkMemory(long taskNo, long now) {
    MemoryLimitExceededException stop = heap.check(taskNo, now, heapWarning);
    if (stop != null) {
      finish(RunSummary.Status.FAILED, stop);
      throw stop;
    }
  }

  private void finish(RunSummary.Status endStatus, Throwable failure) {
    if (state == State.DONE) {
      return;
    }
    boolean started = state == State.RUNNING;
    state = State.DONE;
    status = endStatus;
    t1 = System.nanoTime();
    try {
      if (endStatus != RunSummary.Status.COMPLETE) {
        cancelled += inFlight.size();
        inFlight.clear();
        s.executor().cancelAll();
      }
    } finally {
      if (s.ownsExecutor()) {
        s.executor().close();
      }
    }
    if (started) {
      RunSummary summary = summary();
      LOG.log(Level.DEBUG, summary.transferLine());
      record(r -> r.log(Level.INFO, summary.transferLine()));
      record(r -> r.runEnded(summary, failure));
    }
  }

  @Override
  public RunSummary summary() {
    long end = state == State.DONE ? t1 : System.nanoTime();
    return new RunSummary(runId, s.name(), s.executor().name(), s.executor().workers(), submitted,
        succeeded, failed, cancelled, bytesSent, bytesReceived, state == State.NEW ? 0 : end - t0,
        heap.peak(), status == null ? RunSummary.Status.ABORTED : status);
  }

  @Override
  public void close() {
    finish(RunSummary.Status.ABORTED, null);
  }

  private void record(Consumer<Recorder> call) {
    if (recorderBroken) {
      return;
    }
    try {
      call.accept(s.recorder());
    } catch (RuntimeException e) {
      recorderBroken = true;
      LOG.log(Level.WARNING, "recorder failed and is ignored for the rest of the run of "
          + s.name(), e);
    }
  }
}

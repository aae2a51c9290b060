package io.starmap.cli;

import io.starmap.core.internal.util.Bytes;
import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.store.CalcRecord;
import io.starmap.store.CalculationStore;
import io.starmap.store.ChromeTrace;
import io.starmap.store.StarmapHome;
import io.starmap.store.Views;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code starmap show}: the views of one calculation, also while it runs. */
@Command(name = "show", description = "Show a view of a calculation (works while it runs).",
    mixinStandardHelpOptions = true,
    subcommands = {ShowCommand.Performance.class, ShowCommand.TaskInfo.class,
        ShowCommand.Tasks.class, ShowCommand.Transfer.class, ShowCommand.Runs.class,
        ShowCommand.Log.class, ShowCommand.Timeline.class})
final class ShowCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The {@code ID} parameter of every view. */
  abstract static class ViewBase extends StoreCommandBase {
    @Parameters(paramLabel = "ID", defaultValue = "last",
        description = "A number, last (default), or -N counting back from the last.")
    String id;
  }

  /** {@code starmap show performance}. */
  @Command(name = "performance", description = "Time, CPU and memory per operation, slowest"
      + " first.", mixinStandardHelpOptions = true)
  static final class Performance extends ViewBase {
    @Override
    int run(CalculationStore store) {
      Views.Performance p = store.views().performance(store.resolveId(id));
      CalcRecord c = p.calc();
      if (formatOption.format == Table.Format.TABLE) {
        out().println("calc " + c.id() + " (" + c.status().label() + "), peak memory "
            + Bytes.human(p.peakMemoryBytes()) + ": " + c.description());
      }
      Table t = Table.of("operation", "time_sec", "cpu_sec", "alloc_mb", "calls", "counts",
          "tasks");
      for (Views.OperationRow o : p.operations()) {
        t.row(o.operation(), o.timeSec(), o.cpuSec(), o.allocatedMb(), o.calls(), o.counts(),
            o.tasks());
      }
      print(t);
      return 0;
    }
  }

  /** {@code starmap show task-info}. */
  @Command(name = "task-info", description = "Task durations per task name: count, mean,"
      + " stddev (%% of mean), min, max, slowfac = max/mean.", mixinStandardHelpOptions = true)
  static final class TaskInfo extends ViewBase {
    @Override
    int run(CalculationStore store) {
      Table t = Table.of("task", "count", "mean_sec", "stddev", "min_sec", "max_sec",
          "slowfac");
      for (Views.TaskInfoRow r : store.views().taskInfo(store.resolveId(id))) {
        t.row(r.taskName(), r.count(), r.meanSec(), formatOption.format == Table.Format.TABLE
            ? String.format(Locale.ROOT, "%.0f%%", r.stddevPercent()) : (Object)
            r.stddevPercent(), r.minSec(), r.maxSec(), r.slowfac());
      }
      print(t);
      return 0;
    }
  }

  /** {@code starmap show tasks}. */
  @Command(name = "tasks", description = "One row per task, with its worker.",
      mixinStandardHelpOptions = true)
  static final class Tasks extends ViewBase {
    @Option(names = "--slowest", paramLabel = "N", defaultValue = "0",
        description = "Only the N slowest tasks, slowest first.")
    int slowest;

    @Override
    int run(CalculationStore store) {
      if (slowest < 0) {
        throw new UserException("--slowest must be positive, not " + slowest, null, 2);
      }
      Table t = Table.of("run", "task_no", "task", "worker", "start", "duration_sec", "cpu_sec",
          "alloc_mb", "weight", "sent", "received", "rss", "status");
      for (Views.TaskRow r : store.views().tasks(store.resolveId(id), slowest)) {
        t.row(r.run(), r.taskNo(), r.taskName(), r.worker(), TIME.format(r.start()),
            r.durationSec(), r.cpuSec(), r.allocatedMb(), r.weight(), bytes(r.sentBytes()),
            bytes(r.receivedBytes()), bytes(Math.max(r.rssBytes(), r.peakRssBytes())),
            r.status());
      }
      print(t);
      return 0;
    }
  }

  /** {@code starmap show transfer}. */
  @Command(name = "transfer", description = "Bytes sent (task arguments) and received (results)"
      + " per task name.", mixinStandardHelpOptions = true)
  static final class Transfer extends ViewBase {
    @Override
    int run(CalculationStore store) {
      Table t = Table.of("task", "tasks", "sent", "received", "max_sent", "max_received");
      for (Views.TransferRow r : store.views().transfer(store.resolveId(id))) {
        t.row(r.taskName(), r.tasks(), bytes(r.sentBytes()), bytes(r.receivedBytes()),
            bytes(r.maxSentBytes()), bytes(r.maxReceivedBytes()));
      }
      print(t);
      return 0;
    }
  }

  /** {@code starmap show runs}. */
  @Command(name = "runs", description = "The starmap runs of a calculation: executor, tasks,"
      + " failures, bytes, wall time, peak heap.", mixinStandardHelpOptions = true)
  static final class Runs extends ViewBase {
    @Override
    int run(CalculationStore store) {
      Table t = Table.of("run", "task", "executor", "workers", "start", "wall_sec", "submitted",
          "succeeded", "failed", "cancelled", "sent", "received", "peak_heap", "status");
      for (Views.RunRow r : store.views().runs(store.resolveId(id))) {
        t.row(r.run(), r.taskName(), r.executor(), r.workers(), TIME.format(r.start()),
            r.wallSec(), r.submitted(), r.succeeded(), r.failed(), r.cancelled(),
            bytes(r.sentBytes()), bytes(r.receivedBytes()), bytes(r.peakHeapBytes()), r.status());
      }
      print(t);
      return 0;
    }
  }

  /** {@code starmap show log}. */
  @Command(name = "log", description = "The calculation's log.", mixinStandardHelpOptions = true)
  static final class Log extends ViewBase {
    @Override
    int run(CalculationStore store) {
      Table t = Table.of("time", "level", "message");
      for (Views.LogRow r : store.views().log(store.resolveId(id))) {
        t.row(TIME.format(r.time()), r.level(), r.message());
      }
      print(t);
      return 0;
    }
  }

  /** {@code starmap show timeline}: the tasks per worker as a Chrome trace. */
  @Command(name = "timeline", description = "The task timeline per worker in the Chrome trace"
      + " format (JSON), which Perfetto and chrome://tracing open.",
      mixinStandardHelpOptions = true)
  static final class Timeline implements java.util.concurrent.Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID", defaultValue = "last",
        description = "A number, last (default), or -N counting back from the last.")
    String id;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "trace",
        description = "trace (the only one: the Chrome trace event format).")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.json",
        description = "Where to write the trace (default: standard output).")
    java.nio.file.Path output;

    @Override
    public Integer call() {
      if (!format.equals("trace")) {
        throw new UserException("the timeline is written as a Chrome trace: --format trace,"
            + " not " + format);
      }
      try (CalculationStore store = CalculationStore.open(StarmapHome.resolve())) {
        long calc = store.resolveId(id);
        if (output == null) {
          java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
          ChromeTrace.write(store, calc, json);
          spec.commandLine().getOut().print(json.toString(StandardCharsets.UTF_8));
          spec.commandLine().getOut().flush();
          return 0;
        }
        try (java.io.OutputStream file = OwnerOnly.newOutputStream(output)) {
          int tasks = ChromeTrace.write(store, calc, file);
          spec.commandLine().getErr().println("calc " + calc + ": " + tasks
              + " tasks written to " + output);
        }
        return 0;
      } catch (java.util.NoSuchElementException | IllegalArgumentException e) {
        throw new UserException(e.getMessage(), e);
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        throw new UserException("cannot write the timeline to " + output + ": "
            + e.getMessage(), e);
      }
    }
  }
}

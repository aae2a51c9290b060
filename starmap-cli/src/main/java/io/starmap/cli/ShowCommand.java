package io.starmap.cli;

import io.starmap.core.internal.util.Bytes;
import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.store.CalcRecord;
import io.starmap.store.CalculationStore;
import io.starmap.store.ChromeTrace;
import io.starmap.store.StarmapHome;
import io.starmap.store.Views;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code starmap show}: the views of one calculation, also while it runs. */
@Command(name = "show", description = "Show a view of a calculation (works while it runs).",
    mixinStandardHelpOptions = true,
    subcommands = {ShowCommand.Performance.class, ShowCommand.TaskInfo.class,
        ShowCommand.Tasks.class, ShowCommand.Transfer.class, ShowCommand.Runs.class,
        ShowCommand.Log.class, ShowCommand.Timeline.class, ShowResults.class})
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

    ViewTables tables(CalculationStore store) {
      return new ViewTables(store, formatOption.format);
    }
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
      print(tables(store).performance(p));
      return 0;
    }
  }

  /** {@code starmap show task-info}. */
  @Command(name = "task-info", description = "Task durations per task name: count, mean,"
      + " stddev (%% of mean), min, max, slowfac = max/mean.", mixinStandardHelpOptions = true)
  static final class TaskInfo extends ViewBase {
    @Override
    int run(CalculationStore store) {
      print(tables(store).taskInfo(store.resolveId(id)));
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
      print(tables(store).tasks(store.resolveId(id), slowest));
      return 0;
    }
  }

  /** {@code starmap show transfer}. */
  @Command(name = "transfer", description = "Bytes sent (task arguments) and received (results)"
      + " per task name.", mixinStandardHelpOptions = true)
  static final class Transfer extends ViewBase {
    @Override
    int run(CalculationStore store) {
      print(tables(store).transfer(store.resolveId(id)));
      return 0;
    }
  }

  /** {@code starmap show runs}. */
  @Command(name = "runs", description = "The starmap runs of a calculation: executor, tasks,"
      + " failures, bytes, wall time, peak heap.", mixinStandardHelpOptions = true)
  static final class Runs extends ViewBase {
    @Override
    int run(CalculationStore store) {
      print(tables(store).runs(store.resolveId(id)));
      return 0;
    }
  }

  /** {@code starmap show log}. */
  @Command(name = "log", description = "The calculation's log.", mixinStandardHelpOptions = true)
  static final class Log extends ViewBase {
    @Override
    int run(CalculationStore store) {
      print(tables(store).log(store.resolveId(id)));
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

package io.starmap.cli;

import io.starmap.core.internal.util.Bytes;
import io.starmap.store.CalcRecord;
import io.starmap.store.CalculationStore;
import io.starmap.store.StarmapHome;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * What the commands that read the calculation store share: {@code --format}, opening the store of
 * {@code $STARMAP_HOME}, resolving {@code ID} ({@code 12}, {@code last}, {@code -2}), and turning
 * the store's errors into one-line user errors.
 */
abstract class StoreCommandBase implements Callable<Integer> {
  static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin FormatOption formatOption;

  /** Runs the command with an open store. */
  abstract int run(CalculationStore store);

  @Override
  public final Integer call() {
    try (CalculationStore store = CalculationStore.open(StarmapHome.resolve())) {
      return run(store);
    } catch (NoSuchElementException | IllegalArgumentException | IllegalStateException e) {
      if (e instanceof IllegalStateException && e.getCause() != null
          && !(e.getCause() instanceof IllegalStateException)) {
        throw e; // an internal failure (SQL, file): the stack trace helps with --verbose
      }
      throw new UserException(e.getMessage(), e);
    } catch (java.io.UncheckedIOException e) {
      throw new UserException(Errors.oneLine(e), e);
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void print(Table table) {
    table.print(out(), formatOption.format, spec.qualifiedName(" ").replaceFirst("^starmap ", ""));
  }

  /** Bytes for people in a table, as a number in CSV and JSON. */
  Object bytes(long n) {
    return formatOption.format == Table.Format.TABLE ? Bytes.human(n) : (Object) n;
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
    return s < 3600 ? (s / 60) + "m" + (s % 60) + "s" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
  }

  /** The columns of a calculation in {@code calcs list} and friends. */
  static Table calcTable() {
    return Table.of("id", "status", "kind", "description", "start", "duration", "executor",
        "workers", "size", "peak_memory", "user");
  }

  void calcRow(Table t, CalcRecord c) {
    t.row(c.id(), c.status().label(), c.kind(), c.description(), TIME.format(c.start()),
        duration(c.duration()), c.executor(), c.workers(), bytes(c.sizeBytes()),
        bytes(c.peakMemoryBytes()), c.user());
  }
}

package io.starmap.cli;

import io.starmap.store.CalcArchive;
import io.starmap.store.CalcRecord;
import io.starmap.store.CalcStatus;
import io.starmap.store.CalculationStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code starmap calcs}: the calculations of {@code $STARMAP_HOME}. */
@Command(name = "calcs", description = "List, search, delete, purge, abort, dump, restore and"
    + " export calculations.", mixinStandardHelpOptions = true,
    subcommands = {CalcsCommand.ListCalcs.class, CalcsCommand.Search.class,
        CalcsCommand.Delete.class, CalcsCommand.Purge.class, CalcsCommand.Abort.class,
        CalcsCommand.Dump.class, CalcsCommand.Restore.class, CalcsExport.class})
final class CalcsCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code starmap calcs list}. */
  @Command(name = "list", description = "List the latest calculations, newest first.",
      mixinStandardHelpOptions = true)
  static final class ListCalcs extends StoreCommandBase {
    @Option(names = "--limit", defaultValue = "20", description = "At most N (default 20).",
        paramLabel = "N")
    int limit;

    @Option(names = "--status", paramLabel = "S",
        description = "Only this status: created, executing, complete, failed or aborted.")
    String status;

    @Override
    int run(CalculationStore store) {
      Table t = calcTable();
      for (CalcRecord c : store.list(limit, status == null ? null : CalcStatus.of(status))) {
        calcRow(t, c);
      }
      print(t);
      return 0;
    }
  }

  /** {@code starmap calcs search}. */
  @Command(name = "search", description = "Calculations whose description, kind or parameters"
      + " contain TEXT.", mixinStandardHelpOptions = true)
  static final class Search extends StoreCommandBase {
    @Parameters(paramLabel = "TEXT", description = "Text to look for (case-insensitive).")
    String text;

    @Override
    int run(CalculationStore store) {
      Table t = calcTable();
      for (CalcRecord c : store.search(text)) {
        calcRow(t, c);
      }
      print(t);
      return 0;
    }
  }

  /** {@code starmap calcs delete}. */
  @Command(name = "delete", description = "Delete calculations: their records and datastores.",
      mixinStandardHelpOptions = true)
  static final class Delete extends StoreCommandBase {
    @Parameters(paramLabel = "ID", arity = "1..*",
        description = "Calculation ids: a number, last, or -N counting back from the last.")
    List<String> ids;

    @Override
    int run(CalculationStore store) {
      List<Long> resolved = new ArrayList<>();
      for (String id : ids) {
        resolved.add(store.resolveId(id)); // all resolved first: -1 must not shift while deleting
      }
      Table t = Table.of("id", "status", "description", "freed");
      for (long id : resolved) {
        CalcRecord c = store.delete(id);
        t.row(c.id(), c.status().label(), c.description(), bytes(c.sizeBytes()));
      }
      print(t);
      return 0;
    }
  }

  /** {@code starmap calcs purge}. */
  @Command(name = "purge", description = "Delete failed or old calculations. Lists what it"
      + " would delete unless --force.", mixinStandardHelpOptions = true)
  static final class Purge extends StoreCommandBase {
    @Option(names = "--failed", description = "Failed and aborted calculations.")
    boolean failed;

    @Option(names = "--older-than", paramLabel = "DAYS",
        description = "Calculations that ended more than DAYS days ago.")
    Double olderThanDays;

    @Option(names = "--force", description = "Delete; without it, only list.")
    boolean force;

    @Override
    int run(CalculationStore store) {
      if (!failed && olderThanDays == null) {
        throw new UserException("purge needs --failed or --older-than DAYS", null, 2);
      }
      if (olderThanDays != null && olderThanDays < 0) {
        throw new UserException("--older-than must not be negative, not " + olderThanDays,
            null, 2);
      }
      Duration age = olderThanDays == null ? null
          : Duration.ofMillis((long) (olderThanDays * 86_400_000L));
      List<CalcRecord> victims = store.purgeCandidates(failed, age);
      Table t = Table.of("id", "status", "description", "stop", "size", "action");
      long freed = 0;
      for (CalcRecord c : victims) {
        if (force) {
          store.delete(c.id());
        }
        freed += c.sizeBytes();
        t.row(c.id(), c.status().label(), c.description(),
            c.stop() == null ? "" : TIME.format(c.stop()), bytes(c.sizeBytes()),
            force ? "deleted" : "would delete");
      }
      print(t);
      if (!force && !victims.isEmpty()) {
        err().println("Nothing deleted: run again with --force to delete these "
            + victims.size() + " calculations (" + io.starmap.core.internal.util.Bytes.human(freed) + ").");
        err().flush();
      }
      return 0;
    }
  }

  /** {@code starmap calcs abort}. */
  @Command(name = "abort", description = "Mark a running calculation aborted and ask its"
      + " process to terminate.", mixinStandardHelpOptions = true)
  static final class Abort extends StoreCommandBase {
    @Parameters(paramLabel = "ID", description = "A number, last, or -N.")
    String id;

    @Override
    int run(CalculationStore store) {
      CalculationStore.AbortResult r = store.abort(store.resolveId(id));
      Table t = Table.of("id", "was", "now", "signalled", "detail");
      t.row(r.before().id(), r.before().status().label(),
          r.marked() ? "aborted" : r.before().status().label(), r.signalled(), r.detail());
      print(t);
      return 0;
    }
  }

  /** {@code starmap calcs dump}. */
  @Command(name = "dump", description = "Archive calculations (all ended ones by default) into"
      + " a zip file.", mixinStandardHelpOptions = true)
  static final class Dump extends StoreCommandBase {
    @Parameters(index = "0", paramLabel = "FILE.zip", description = "The archive to write.")
    Path zip;

    @Parameters(index = "1..*", paramLabel = "ID", description = "Calculations to archive.")
    List<String> ids = new ArrayList<>();

    @Override
    int run(CalculationStore store) {
      List<Long> resolved = new ArrayList<>();
      for (String id : ids) {
        resolved.add(store.resolveId(id));
      }
      CalcArchive.Dumped d = store.dump(zip, resolved);
      Table t = Table.of("archive", "calcs", "ids", "size");
      t.row(d.zip().toString(), d.ids().size(), String.join(" ", d.ids().stream()
          .map(String::valueOf).toList()), bytes(d.bytes()));
      print(t);
      return 0;
    }
  }

  /** {@code starmap calcs restore}. */
  @Command(name = "restore", description = "Restore the calculations of an archive into this"
      + " STARMAP_HOME, under new ids.", mixinStandardHelpOptions = true)
  static final class Restore extends StoreCommandBase {
    @Parameters(paramLabel = "FILE.zip", description = "An archive made by starmap calcs dump.")
    Path zip;

    @Override
    int run(CalculationStore store) {
      if (!java.nio.file.Files.isRegularFile(zip)) {
        throw new UserException("no archive " + zip);
      }
      CalcArchive.Restored r = store.restore(zip);
      Table t = Table.of("archived_id", "id", "description");
      for (Map.Entry<Long, Long> e : r.ids().entrySet()) {
        t.row(e.getKey(), e.getValue(), store.get(e.getValue()).description());
      }
      print(t);
      return 0;
    }
  }
}

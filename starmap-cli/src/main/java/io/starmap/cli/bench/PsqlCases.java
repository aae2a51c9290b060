package io.starmap.cli.bench;

import static io.starmap.cli.bench.Scripts.quote;
import static io.starmap.cli.bench.Scripts.shq;
import static io.starmap.cli.bench.Scripts.slug;
import static io.starmap.cli.bench.Scripts.writeOwnerOnly;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cases the importer is measured against, all with psql: N streams of {@code \copy} per file,
 * N piped {@code COPY FROM STDIN} streams (the server's limit), and the talk's scripts (one psql
 * process per file).
 */
final class PsqlCases {
  private final String table;
  private final Psql psql;

  PsqlCases(String table, Psql psql) {
    this.table = table;
    this.psql = psql;
  }

  /**
   * N psql sessions, each running {@code \copy} of its share of the files: one COPY and one
   * transaction per file, like an importer that commits each file.
   */
  BenchCase copyPerFileStreams(ImportBench.Shape shape, BenchData data, int n, Path dir,
      Path logs) {
    List<List<Path>> bins = balance(data, n);
    List<List<String>> cmds = new ArrayList<>();
    try {
      OwnerOnly.createDirectories(dir);
      for (int i = 0; i < bins.size(); i++) {
        Path script = dir.resolve("copy-" + n + "-" + i + ".sql");
        StringBuilder sb = new StringBuilder();
        for (Path f : bins.get(i)) {
          sb.append("\\copy ").append(table).append(" from ")
              .append(quote(f.toString())).append(" with (format csv)\n");
        }
        writeOwnerOnly(script, sb);
        cmds.add(psql.command(List.of("-f", script.toString())));
      }
    } catch (IOException e) {
      throw new BenchException("cannot write psql scripts in " + dir + ": " + e.getMessage(), e);
    }
    Path logFile = logs.resolve(slug(shape.label() + "-psql-copy-" + n) + ".log");
    return new BenchCase(shape, ImportBench.PSQL, "\\copy per file x" + n, data,
        () -> parallel(cmds, logFile));
  }

  /**
   * N psql sessions, each running one {@code COPY FROM STDIN} of its share of the bytes, piped in
   * by {@code cat} (or by {@code tail | head} for line-aligned ranges of a single file): one
   * transaction per stream, the least the server can be asked to do.
   */
  BenchCase pipedStreams(ImportBench.Shape shape, BenchData data, int n, Path dir, Path logs) {
    String copy = "COPY " + table + " FROM STDIN WITH (FORMAT csv)";
    List<List<String>> cmds = new ArrayList<>();
    try {
      OwnerOnly.createDirectories(dir);
      if (data.files().size() == 1) {
        Path f = data.files().get(0);
        long[] cuts = lineCuts(f, n);
        for (int i = 0; i + 1 < cuts.length; i++) {
          if (cuts[i + 1] > cuts[i]) {
            cmds.add(List.of("/bin/sh", "-c", "tail -c +" + (cuts[i] + 1) + " " + shq(f)
                + " | head -c " + (cuts[i + 1] - cuts[i]) + " | " + psql.shell(copy)));
          }
        }
      } else {
        List<List<Path>> bins = balance(data, n);
        for (int i = 0; i < bins.size(); i++) {
          Path list = dir.resolve("pipe-" + n + "-" + i + ".list");
          StringBuilder sb = new StringBuilder();
          for (Path f : bins.get(i)) {
            sb.append(f).append('\0');
          }
          writeOwnerOnly(list, sb);
          cmds.add(List.of("/bin/sh", "-c", "xargs -0 cat < " + shq(list) + " | "
              + psql.shell(copy)));
        }
      }
    } catch (IOException e) {
      throw new BenchException("cannot write file lists in " + dir + ": " + e.getMessage(), e);
    }
    Path logFile = logs.resolve(slug(shape.label() + "-psql-pipe-" + n) + ".log");
    return new BenchCase(shape, ImportBench.PSQL, "cat | COPY FROM STDIN x" + n, data,
        () -> parallel(cmds, logFile));
  }

  /**
   * The talk's script: one {@code psql -c COPY} process per file (text format, comma delimiter,
   * as in the talk, but {@code \copy} so that the client reads the file), {@code width} at a time.
   */
  BenchCase talkScript(ImportBench.Shape shape, BenchData data, int width, Path logs) {
    Path logFile = logs.resolve(slug(shape.label() + "-talk-" + width) + ".log");
    String name = "one psql per file x" + width;
    BenchCase talk = new BenchCase(shape, ImportBench.TALK, name, data, () -> {
      AtomicInteger next = new AtomicInteger();
      List<Path> files = data.files();
      Runnable worker = () -> {
        for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
          Processes.run(psql.command(List.of("-c", "\\copy " + table + " from "
              + quote(files.get(i).toString()) + " with (delimiter ',')")), psql.env(), logFile);
        }
      };
      runAll(Collections.nCopies(width, worker));
    });
    talk.once = true;
    return talk;
  }

  private void parallel(List<List<String>> cmds, Path logFile) {
    List<Process> started = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>(psql.env());
    env.put("BENCH_URL", psql.publicUrl());
    try {
      for (List<String> cmd : cmds) {
        started.add(Processes.start(cmd, env, logFile));
      }
      for (int i = 0; i < started.size(); i++) {
        Processes.await(started.get(i), cmds.get(i), logFile);
      }
    } finally {
      for (Process p : started) {
        if (p.isAlive()) {
          p.destroyForcibly();
        }
      }
      // reaped later, a killed stream's CPU would count in another run's (CpuMeter)
      started.forEach(p -> p.onExit().join());
    }
  }

  private static void runAll(List<Runnable> workers) {
    ExecutorService pool = Executors.newFixedThreadPool(workers.size());
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Runnable w : workers) {
        futures.add(pool.submit(w));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof BenchException b) {
            throw b;
          }
          throw new BenchException(String.valueOf(e.getCause()), e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The files spread over {@code n} bins of about equal bytes (largest first, emptiest bin). */
  private static List<List<Path>> balance(BenchData data, int n) {
    int bins = Math.min(n, data.files().size());
    List<List<Path>> out = new ArrayList<>();
    long[] load = new long[bins];
    for (int i = 0; i < bins; i++) {
      out.add(new ArrayList<>());
    }
    for (int i = 0; i < data.files().size(); i++) {
      int min = 0;
      for (int b = 1; b < bins; b++) {
        if (load[b] < load[min]) {
          min = b;
        }
      }
      out.get(min).add(data.files().get(i));
      load[min] += data.sizes().get(i);
    }
    return out;
  }

  /** {@code n + 1} offsets that cut {@code f} into about equal ranges of whole lines. */
  static long[] lineCuts(Path f, int n) throws IOException {
    long size = Files.size(f);
    long[] cuts = new long[n + 1];
    cuts[n] = size;
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
      for (int i = 1; i < n; i++) {
        long pos = Math.max(cuts[i - 1], size * i / n);
        raf.seek(pos);
        int b;
        while (pos < size && (b = raf.read()) != '\n' && b != -1) {
          pos++;
        }
        cuts[i] = Math.min(size, pos + 1);
      }
    }
    return cuts;
  }
}

package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.core.Starmap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The store contract: a real threads starmap recorded into real SQLite and HDF5 files. */
@Timeout(120)
class CalculationIT {
  @TempDir Path home;

  static Starmap<Long, Long> squares(Calculation calc) {
    return Starmap.<Long, Long>builder("square", (x, ctx) -> {
      try (var m = ctx.measure("multiply")) {
        m.count(1);
        return x * x;
      }
    }).executor("threads").workers(2).recorder(calc).build();
  }

  @Test
  void theMastersOwnOperationsAreRecordedBesideTheTasksOnes() throws Exception {
    long id;
    Path ds;
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("test", "master work", Map.of())) {
      id = calc.id();
      ds = calc.datastorePath();
      List<Long> inputs;
      try (var m = calc.measure("reading")) {
        inputs = LongStream.range(0, 50).boxed().toList();
        m.count(inputs.size());
      }
      long total = squares(calc).reduce(inputs, 0L, Long::sum);
      try (var m = calc.measure("multiply")) { // the same name as the tasks' operation
        Thread.sleep(30);
        m.count(total);
      }
      calc.count("reading", 7);
      assertThatThrownBy(() -> calc.measure(" ")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must not be blank");
      calc.complete();
    }
    try (CalculationStore store = CalculationStore.open(home)) {
      List<Views.OperationRow> ops = store.views().performance(id).operations();
      assertThat(ops).filteredOn(o -> o.operation().equals("reading")).singleElement()
          .satisfies(o -> {
            assertThat(o.tasks()).as("the master's, no task").isZero();
            assertThat(o.calls()).isEqualTo(1);
            assertThat(o.counts()).isEqualTo(57);
          });
      // The master's "multiply" is not mixed with the tasks' "multiply".
      assertThat(ops).filteredOn(o -> o.operation().equals("multiply")).hasSize(2)
          .anySatisfy(o -> {
            assertThat(o.tasks()).isZero();
            assertThat(o.timeSec()).isGreaterThanOrEqualTo(0.03);
            assertThat(o.counts()).isEqualTo(40425);
          })
          .anySatisfy(o -> assertThat(o.tasks()).isEqualTo(50));
    }
    H5Group perf = Datastore.read(ds).child("performance_data");
    assertThat(perf.strings("operation")).contains("reading", "multiply");
  }

  @Test
  void recordsARealThreadsRunIntoTheDatabaseAndTheDatastore() {
    long id;
    Path ds;
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("test", "sum of squares",
             Map.of("executor", "threads", "workers", "2"))) {
      id = calc.id();
      ds = calc.datastorePath();
      long total = squares(calc).reduce(() -> LongStream.range(0, 200).boxed().iterator(), 0L,
          Long::sum);
      assertThat(total).isEqualTo(2646700L);
      calc.log(System.Logger.Level.INFO, "summed");
      calc.put("results/summary", H5Table.builder().column("total", total).build());
      calc.complete();
    }
    assertThat(ds).isEqualTo(home.resolve("calc_" + id + ".hdf5")).isRegularFile();
    try (CalculationStore store = CalculationStore.open(home)) {
      CalcRecord c = store.get(id);
      assertThat(c.status()).isEqualTo(CalcStatus.COMPLETE);
      assertThat(c.kind()).isEqualTo("test");
      assertThat(c.executor()).isEqualTo("threads");
      assertThat(c.workers()).isEqualTo(2);
      assertThat(c.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(c.stop()).isNotNull();
      assertThat(c.sizeBytes()).isEqualTo(ds.toFile().length());
      Views v = store.views();
      assertThat(v.tasks(id, 0)).hasSize(200)
          .allSatisfy(t -> assertThat(t.worker()).isNotBlank());
      assertThat(v.tasks(id, 0).stream().map(Views.TaskRow::worker).distinct()).hasSize(2);
      assertThat(v.taskInfo(id)).singleElement().satisfies(r -> {
        assertThat(r.taskName()).isEqualTo("square");
        assertThat(r.count()).isEqualTo(200);
        assertThat(r.slowfac()).isGreaterThanOrEqualTo(1.0);
      });
      Views.Performance p = v.performance(id);
      assertThat(p.operations()).extracting(Views.OperationRow::operation)
          .contains("multiply", "total square");
      assertThat(p.operations()).filteredOn(o -> o.operation().equals("multiply"))
          .singleElement().satisfies(o -> {
            assertThat(o.counts()).isEqualTo(200);
            assertThat(o.tasks()).isEqualTo(200);
          });
      assertThat(p.peakMemoryBytes()).isPositive();
      assertThat(v.log(id)).extracting(Views.LogRow::message).contains("summed")
          .anyMatch(m -> m.startsWith("Sent 200 square tasks"))
          .anyMatch(m -> m.startsWith("Stored "));
      assertThat(v.runs(id)).singleElement().satisfies(r -> {
        assertThat(r.succeeded()).isEqualTo(200);
        assertThat(r.status()).isEqualTo("complete");
      });
    }
    H5Group root = Datastore.read(ds);
    assertThat(root.attrLong("calc_id")).isEqualTo(id);
    assertThat(root.attrString("status")).isEqualTo("complete");
    assertThat(root.child("task_info").longs("task_no")).hasSize(200);
    assertThat(root.child("task_info").booleans("ok")).containsOnly(true);
    assertThat(root.child("performance_data").strings("operation")).hasSize(400);
    assertThat(root.child("task_sent").strings("taskname")).containsExactly("square");
    assertThat(Datastore.read(ds, "results/summary", H5Table::readFrom).longs("total"))
        .containsExactly(2646700L);
  }

  @Test
  void viewsWorkWhileTheCalculationRuns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("test", "blocking", Map.of())) {
      Starmap<Integer, Integer> smap = Starmap.<Integer, Integer>builder("wait", (x, ctx) -> {
        if (x >= 4) {
          release.await(60, TimeUnit.SECONDS);
        }
        return x;
      }).executor("threads").workers(2).maxInFlight(2).recorder(calc).build();
      Thread runner = new Thread(() -> smap.reduce(List.of(0, 1, 2, 3, 4, 5), 0, Integer::sum));
      runner.start();
      // a second store, as `starmap show` in another process would open
      try (CalculationStore reader = CalculationStore.open(home)) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reader.views().tasks(calc.id(), 0).size() < 4 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(reader.get(calc.id()).status()).isEqualTo(CalcStatus.EXECUTING);
        assertThat(reader.views().tasks(calc.id(), 0)).hasSize(4);
        assertThat(reader.views().taskInfo(calc.id())).singleElement()
            .satisfies(r -> assertThat(r.count()).isEqualTo(4));
        assertThat(reader.views().performance(calc.id()).operations())
            .extracting(Views.OperationRow::operation).containsExactly("total wait");
        assertThat(reader.views().runs(calc.id())).singleElement()
            .satisfies(r -> assertThat(r.stop()).isNull());
        release.countDown();
        runner.join(30_000);
        calc.complete();
        assertThat(reader.views().tasks(calc.id(), 0)).hasSize(6);
        assertThat(reader.get(calc.id()).status()).isEqualTo(CalcStatus.COMPLETE);
      }
    } finally {
      release.countDown();
    }
  }

  @Test
  void closingWithoutCompleteFailsAndFailKeepsTheStackTrace() {
    try (CalculationStore store = CalculationStore.open(home)) {
      long a;
      try (Calculation calc = store.start("test", "forgot", Map.of())) {
        a = calc.id();
      }
      assertThat(store.get(a).status()).isEqualTo(CalcStatus.FAILED);
      assertThat(store.get(a).error()).contains("closed without complete()");
      Calculation ended = store.start("test", "late log", Map.of());
      ended.complete();
      ended.log(System.Logger.Level.INFO, "a late line");
      ended.close();
      assertThat(store.views().log(ended.id())).extracting(Views.LogRow::message)
          .contains("a late line");
      assertThat(store.get(ended.id()).status()).isEqualTo(CalcStatus.COMPLETE);
      long b;
      try (Calculation calc = store.start("test", "boom", Map.of())) {
        b = calc.id();
        calc.fail(new IllegalStateException("it broke"));
      }
      assertThat(store.get(b).status()).isEqualTo(CalcStatus.FAILED);
      assertThat(store.get(b).error()).contains("IllegalStateException: it broke")
          .contains("CalculationIT");
      long c;
      try (Calculation calc = store.start("test", "interrupted", Map.of())) {
        c = calc.id();
        calc.fail(new RuntimeException(new InterruptedException("stop")));
      }
      assertThat(store.get(c).status()).isEqualTo(CalcStatus.ABORTED);
      long d;
      try (Calculation calc = store.start("test", "interrupted thread", Map.of())) {
        d = calc.id();
        Thread.currentThread().interrupt();
      } finally {
        Thread.interrupted();
      }
      assertThat(store.get(d).status()).isEqualTo(CalcStatus.ABORTED);
    }
  }

  @Test
  void failedTaskRunIsRecordedAsFailedTasks() {
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("test", "failing", Map.of())) {
      Starmap<Integer, Integer> boom = Starmap.<Integer, Integer>builder("boom", (x, ctx) -> {
        if (x == 3) {
          throw new IllegalStateException("three");
        }
        return x;
      }).executor("threads").workers(2).recorder(calc).build();
      assertThatThrownBy(() -> boom.reduce(List.of(1, 2, 3, 4), 0, Integer::sum))
          .satisfies(calc::fail);
      assertThat(store.get(calc.id()).status()).isEqualTo(CalcStatus.FAILED);
      assertThat(store.views().tasks(calc.id(), 0)).extracting(Views.TaskRow::status)
          .contains("failed");
      assertThat(store.views().runs(calc.id())).singleElement()
          .satisfies(r -> assertThat(r.status()).isEqualTo("failed"));
    }
  }

  @Test
  void aCalculationOfADeadProcessBecomesFailedAtOpen() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    try (CalculationStore store = CalculationStore.open(home)) {
      store.sql().update("INSERT INTO calc(kind, description, status, host, pid, start_ms)"
          + " VALUES ('test', 'orphan', 'executing', ?, ?, 0)", CalculationStore.HOST, p.pid());
    }
    try (CalculationStore store = CalculationStore.open(home)) {
      CalcRecord orphan = store.list(10, null).get(0);
      assertThat(orphan.status()).isEqualTo(CalcStatus.FAILED);
      assertThat(orphan.error()).contains("ended without closing");
      assertThat(store.views().log(orphan.id())).extracting(Views.LogRow::message)
          .anyMatch(m -> m.contains("is gone"));
    }
  }

  @Test
  void aPidReusedByALaterProcessIsNeitherAliveNorSignalled() throws Exception {
    Process later = new ProcessBuilder("sleep", "30").start();
    try (CalculationStore store = CalculationStore.open(home)) {
      // a calculation that started a minute before the process that now has its pid
      store.sql().update("INSERT INTO calc(kind, description, status, host, pid, start_ms)"
          + " VALUES ('test', 'reused pid', 'executing', ?, ?, ?)", CalculationStore.HOST,
          later.pid(), System.currentTimeMillis() - 60_000);
      long id = store.resolveId("last");
      CalculationStore.AbortResult r = store.abort(id);
      assertThat(r.signalled()).isFalse();
      assertThat(r.detail()).contains("not signalled");
      assertThat(later.isAlive()).isTrue();
    } finally {
      later.destroyForcibly();
    }
  }

  @Test
  void idsResolveFromLastAndBackwards() {
    try (CalculationStore store = CalculationStore.open(home)) {
      long[] ids = new long[3];
      for (int i = 0; i < 3; i++) {
        try (Calculation c = store.start("test", "calc " + i, Map.of())) {
          ids[i] = c.id();
          c.complete();
        }
      }
      assertThat(store.resolveId("last")).isEqualTo(ids[2]);
      assertThat(store.resolveId("-1")).isEqualTo(ids[2]);
      assertThat(store.resolveId("-3")).isEqualTo(ids[0]);
      assertThat(store.resolveId(String.valueOf(ids[1]))).isEqualTo(ids[1]);
      assertThatThrownBy(() -> store.resolveId("-4")).hasMessageContaining("only 3");
      assertThatThrownBy(() -> store.resolveId("99")).hasMessageContaining("no calculation 99");
      assertThatThrownBy(() -> store.resolveId("x")).hasMessageContaining("'x'");
    }
  }

  @Test
  void putRefusesTheStoresOwnGroups() throws Exception {
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("test", "reserved", Map.of())) {
      assertThatThrownBy(() -> calc.put("task_info", g -> { }))
          .hasMessageContaining("reserved");
      calc.complete();
      assertThat(Files.exists(calc.datastorePath())).isTrue();
    }
  }

  @Test
  void purgeCandidatesAreFailedOrOldNeverExecuting() {
    try (CalculationStore store = CalculationStore.open(home)) {
      long ok;
      try (Calculation c = store.start("test", "recent ok", Map.of())) {
        ok = c.id();
        c.complete();
      }
      long bad;
      try (Calculation c = store.start("test", "recent failed", Map.of())) {
        bad = c.id();
      }
      long old;
      try (Calculation c = store.start("test", "old ok", Map.of())) {
        old = c.id();
        c.complete();
      }
      store.sql().update("UPDATE calc SET stop_ms = ? WHERE id = ?",
          System.currentTimeMillis() - java.time.Duration.ofDays(40).toMillis(), old);
      try (Calculation running = store.start("test", "running", Map.of())) {
        assertThat(store.purgeCandidates(true, null)).extracting(CalcRecord::id)
            .containsExactly(bad);
        assertThat(store.purgeCandidates(false, java.time.Duration.ofDays(30)))
            .extracting(CalcRecord::id).containsExactly(old);
        assertThat(store.purgeCandidates(false, java.time.Duration.ZERO))
            .extracting(CalcRecord::id).containsExactlyInAnyOrder(ok, bad, old)
            .doesNotContain(running.id());
        assertThatThrownBy(() -> store.purgeCandidates(false, null))
            .hasMessageContaining("--failed or --older-than");
        running.complete();
      }
    }
  }
}

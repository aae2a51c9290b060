package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The datastore read by the HDF5 reference library, through h5py and h5dump (Debian's
 * python3-h5py and hdf5-tools); skipped only when they are not installed.
 */
@Timeout(120)
class H5pyIT {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path home;

  static boolean hasH5py() {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    try {
      Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import h5py")
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static String run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void h5pyReadsEveryGroupColumnByColumn() throws Exception {
    assumeTrue(hasH5py(), "python3-h5py is not installed");
    Path ds;
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("test", "for h5py", Map.of("workers", "2"))) {
      CalculationIT.squares(calc).reduce(java.util.stream.LongStream.range(0, 50).boxed()
          .toList(), 0L, Long::sum);
      calc.put("results/summary", H5Table.builder().column("name", "a", "b")
          .column("value", 1.5, 2.5).build());
      // large enough to be chunked and deflated
      calc.put("results/big", g -> g.put("n", java.util.stream.LongStream.range(0, 10_000)
          .toArray()).put("w", java.util.stream.IntStream.range(0, 10_000)
          .mapToObj(i -> "worker-" + (i % 3)).toArray(String[]::new)));
      calc.complete();
      ds = calc.datastorePath();
    }
    String script = """
        import sys, h5py
        f = h5py.File(sys.argv[1], 'r')
        print('status', f.attrs['status'].decode() if isinstance(f.attrs['status'], bytes) else f.attrs['status'])
        for g in ('performance_data', 'task_info', 'task_sent', 'runs', 'log', 'results/summary'):
            grp = f[g]
            lens = {len(grp[k]) for k in grp}
            assert len(lens) == 1, (g, lens)
            print(g, sorted(grp.keys()), lens.pop())
        print('ok', f['task_info/ok'].dtype, int(f['task_info/ok'][:].sum()))
        print('duration', f['task_info/duration'].dtype, f['task_info/duration'].attrs['units'])
        print('op', f['performance_data/operation'][0])
        print('big', int(f['results/big/n'][:].sum()), f['results/big/n'].compression, f['results/big/w'][9999].decode())
        print('summary', [x.decode() for x in f['results/summary/name'][:]], list(f['results/summary/value'][:]))
        """;
    Path py = home.resolve("check.py");
    Files.writeString(py, script);
    String out = run(List.of(PYTHON.toString(), py.toString(), ds.toString()));
    assertThat(out).contains("status complete")
        .contains("task_info ['alloc_mb', 'cpu', 'duration', 'heap', 'ok', 'peak_rss',"
            + " 'received', 'rss', 'run', 'sent', 'start', 'status', 'task_no', 'taskname',"
            + " 'weight', 'worker'] 50")
        .contains("performance_data ['alloc_mb', 'calls', 'counts', 'cpu_sec', 'operation',"
            + " 'run', 'task_no', 'time_sec'] 100")
        .contains("task_sent ['max_received', 'max_sent', 'received', 'sent', 'taskname',"
            + " 'tasks'] 1")
        .contains("ok uint8 50")
        .contains("duration float64")
        .contains("summary ['a', 'b'] [1.5, 2.5]")
        .contains("big 49995000 gzip worker-0");
    if (Files.isExecutable(Path.of("/usr/bin/h5dump"))) {
      String dump = run(List.of("/usr/bin/h5dump", "-H", ds.toString()));
      assertThat(dump).contains("GROUP \"task_info\"").contains("H5T_STD_U8LE")
          .contains("H5T_IEEE_F64LE").contains("H5T_STD_I64LE");
    }
  }
}

package io.starmap.store.internal;

import io.starmap.store.H5Group;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;

/**
 * The per-task operation rows of a calculation, kept in primitive columns (about 60 bytes a row)
 * until the datastore is written as {@code performance_data}.
 */
public final class Columns {
  private int size;
  private long[] run = new long[256];
  private long[] taskNo = new long[256];
  private int[] op = new int[256];
  private long[] calls = new long[256];
  private long[] wall = new long[256];
  private long[] cpu = new long[256];
  private long[] alloc = new long[256];
  private long[] count = new long[256];
  private final Map<String, Integer> opIndex = new HashMap<>();
  private final List<String> opNames = new ArrayList<>();

  /** Adds one operation of one task. */
  public void add(int runNo, long task, String operation, long calls, long wallNanos,
      long cpuNanos, long allocated, long userCount) {
    if (size == run.length) {
      int n = size * 2;
      run = Arrays.copyOf(run, n);
      taskNo = Arrays.copyOf(taskNo, n);
      op = Arrays.copyOf(op, n);
      this.calls = Arrays.copyOf(this.calls, n);
      wall = Arrays.copyOf(wall, n);
      cpu = Arrays.copyOf(cpu, n);
      alloc = Arrays.copyOf(alloc, n);
      count = Arrays.copyOf(count, n);
    }
    Integer idx = opIndex.get(operation);
    if (idx == null) {
      idx = opNames.size();
      opNames.add(operation);
      opIndex.put(operation, idx);
    }
    run[size] = runNo;
    taskNo[size] = task;
    op[size] = idx;
    this.calls[size] = calls;
    wall[size] = wallNanos;
    cpu[size] = cpuNanos;
    alloc[size] = allocated;
    count[size] = userCount;
    size++;
  }

  /** The number of rows. */
  public int size() {
    return size;
  }

  /** Writes the columns of {@code performance_data}, times in seconds and memory in MB. */
  public void writeTo(H5Group g) {
    String[] names = new String[size];
    double[] time = new double[size];
    double[] cpuSec = new double[size];
    double[] allocMb = new double[size];
    for (int i = 0; i < size; i++) {
      names[i] = opNames.get(op[i]);
      time[i] = wall[i] / 1e9;
      cpuSec[i] = cpu[i] / 1e9;
      allocMb[i] = alloc[i] / 1e6;
    }
    g.attr("__columns__", "operation,time_sec,cpu_sec,alloc_mb,calls,counts,task_no,run");
    g.put("operation", names)
        .put("time_sec", time).attr("time_sec.units", "s")
        .put("cpu_sec", cpuSec).attr("cpu_sec.units", "s")
        .put("alloc_mb", allocMb).attr("alloc_mb.units", "MB")
        .put("calls", Arrays.copyOf(calls, size))
        .put("counts", Arrays.copyOf(count, size))
        .put("task_no", Arrays.copyOf(taskNo, size))
        .put("run", Arrays.copyOf(run, size));
  }
}

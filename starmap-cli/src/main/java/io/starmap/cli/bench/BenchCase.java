package io.starmap.cli.bench;

import java.util.ArrayList;
import java.util.List;

/** One thing to time: a command line or a set of processes that loads a data set. */
final class BenchCase {
  final ImportBench.Shape shape;
  final String group;
  final String name;
  final BenchData data;
  final Runnable action;
  final List<Double> seconds = new ArrayList<>();
  /** The CPU seconds of the runs' own processes, for the runs where it is known. */
  final List<Double> clientCpu = new ArrayList<>();
  /** The CPU seconds of the server's processes during the runs, where known. */
  final List<Double> serverCpu = new ArrayList<>();
  String error;
  /** Slow cases (one process or one transaction per file) run in the first round only. */
  boolean once;

  BenchCase(ImportBench.Shape shape, String group, String name, BenchData data,
      Runnable action) {
    this.shape = shape;
    this.group = group;
    this.name = name;
    this.data = data;
    this.action = action;
  }

  /** Records a run: its wall time and, where known, its client's and server's CPU seconds. */
  void add(double wall, Double client, Double server) {
    seconds.add(wall);
    if (client != null) {
      clientCpu.add(client);
    }
    if (server != null) {
      serverCpu.add(server);
    }
  }
}

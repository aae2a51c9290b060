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
}

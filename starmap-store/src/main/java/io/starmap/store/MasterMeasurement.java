package io.starmap.store;

import io.starmap.core.internal.util.OpenMeasurement;

/**
 * One operation of the master (reading inputs, reducing, saving) measured on the thread that
 * opened it: wall time, that thread's CPU time and allocated bytes, and a user count. Closing it
 * adds one call to the calculation's performance rows.
 */
final class MasterMeasurement extends OpenMeasurement {
  private final Calculation calc;
  private final String operation;

  MasterMeasurement(Calculation calc, String operation) {
    super(true);
    this.calc = calc;
    this.operation = operation;
  }

  @Override
  protected void ended(long wall, long cpu, long allocated, long count) {
    calc.masterOperation(operation, 1, wall, cpu, allocated, count);
  }
}

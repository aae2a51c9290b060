package io.starmap.core;

/**
 * Records named operations inside a task: wall time, CPU time, allocated bytes, calls and a
 * user count (rows, bytes, anything that a rate should be computed from).
 *
 * <p>Operations nest: {@code measure("copy")} inside {@code measure("read")} is measured on its own
 * and also inside its parent. A monitor belongs to one task and is used by that task's thread.
 */
public interface Monitor {

  /**
   * Starts measuring an operation; close the returned measurement to stop.
   *
   * @param operation a short name such as {@code "parse"}; not blank
   * @return an open measurement
   */
  Measurement measure(String operation);

  /**
   * Adds {@code count} to the user count of {@code operation} without timing anything.
   *
   * @param operation the operation's name; not blank
   * @param count the amount to add, such as rows or bytes handled
   */
  void count(String operation, long count);

  /** An open measurement of one operation. Closing it twice has no effect. */
  interface Measurement extends AutoCloseable {
    /**
     * Adds to the user count of this operation (for example the rows it handled).
     *
     * @param n the amount to add, such as rows or bytes handled
     * @return this measurement
     */
    Measurement count(long n);

    @Override
    void close();
  }

  /**
   * A monitor that records nothing, for code that is called outside a starmap.
   *
   * @return a monitor whose measurements cost nothing and are forgotten
   */
  static Monitor none() {
    return NoMonitor.INSTANCE;
  }
}

enum NoMonitor implements Monitor, Monitor.Measurement {
  INSTANCE;

  @Override
  public Measurement measure(String operation) {
    return this;
  }

  @Override
  public void count(String operation, long count) {}

  @Override
  public Measurement count(long n) {
    return this;
  }

  @Override
  public void close() {}
}

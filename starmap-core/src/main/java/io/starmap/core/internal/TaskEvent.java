package io.starmap.core.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** One task, as JDK Flight Recorder and Mission Control show it. */
@Name("io.starmap.Task")
@Label("Starmap Task")
@Category("Starmap")
@Description("One task of a starmap run")
@StackTrace(false)
public final class TaskEvent extends jdk.jfr.Event {
  @Label("Task Name") public String taskName;
  @Label("Task Number") public long taskNo;
  @Label("Run") public String runId;
  @Label("Worker") public String worker;
  @Label("Weight") public double weight;
  @Label("CPU Time") @Timespan public long cpuNanos;
  @Label("Allocated") @DataAmount public long allocatedBytes;
  @Label("Failed") public boolean failed;
}

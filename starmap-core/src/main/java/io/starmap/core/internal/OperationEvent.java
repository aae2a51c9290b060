package io.starmap.core.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One monitored operation inside a task, as JDK Flight Recorder shows it. */
@Name("io.starmap.Operation")
@Label("Starmap Operation")
@Category("Starmap")
@Description("A monitored operation inside a starmap task")
@StackTrace(false)
public final class OperationEvent extends jdk.jfr.Event {
  @Label("Operation") public String operation;
  @Label("Task Number") public long taskNo;
  @Label("Count") public long count;
}

package io.starmap.store;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The child JVM of {@link XmlConstantMemoryIT}: writes a view of N rows as XML to its standard
 * output, {@code stream} (each row as it is made) or {@code buffer} (all rows held first, the
 * control that must not fit in the same heap), then prints its peak heap on standard error.
 */
public final class XmlMillionRows {
  static final List<String> COLUMNS =
      List.of("run", "task_no", "task", "worker", "duration_sec", "status");

  private XmlMillionRows() {}

  static List<Object> row(long i) {
    return Arrays.asList(1L, i, "work", "worker-" + (i % 16), i / 1000.0, "ok");
  }

  /**
   * Writes the view.
   *
   * @param args {@code stream|buffer} and the number of rows
   * @throws Exception when the output fails
   */
  public static void main(String[] args) throws Exception {
    boolean stream = args[0].equals("stream");
    long n = Long.parseLong(args[1]);
    List<List<Object>> held = new ArrayList<>();
    if (!stream) {
      for (long i = 0; i < n; i++) {
        held.add(row(i));
      }
    }
    Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8),
        1 << 16);
    try (XmlOutput xml = XmlOutput.to(out)) {
      xml.start("view", "tasks");
      for (long i = 0; i < n; i++) {
        xml.row(COLUMNS, stream ? row(i) : held.get((int) i));
      }
    }
    out.flush();
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    System.err.println("peak heap " + peak + " bytes, max " + Runtime.getRuntime().maxMemory());
  }
}

package io.starmap.store;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task timeline of a calculation in the Chrome trace event format (JSON), which Perfetto
 * ({@code ui.perfetto.dev}, offline too) and {@code chrome://tracing} open: one thread per worker,
 * one complete event per task, named by its task name, with its number, run, status, CPU time
 * and allocation as arguments. Times are microseconds since the calculation started.
 */
public final class ChromeTrace {
  private ChromeTrace() {}

  /**
   * Writes the trace of calculation {@code id} to {@code out}, which is left open.
   *
   * @param store the store that holds the calculation
   * @param id the calculation's id
   * @param out where the JSON goes, in UTF-8
   * @return the number of task events written
   * @throws java.util.NoSuchElementException when there is no such calculation
   * @throws UncheckedIOException when {@code out} cannot be written
   */
  public static int write(CalculationStore store, long id, OutputStream out) {
    CalcRecord calc = store.get(id);
    List<Views.TaskRow> tasks = store.views().tasks(id, 0);
    long t0 = ReportParts.origin(calc, tasks);
    Map<String, Integer> threads = new LinkedHashMap<>();
    try {
      Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      w.write("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"calc_id\":" + id + ",\"description\":"
          + quote(Secrets.redact(calc.description())) + "},\n\"traceEvents\":[\n");
      w.write("{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":"
          + quote("calc " + id + " " + calc.kind()) + "}}");
      for (Views.TaskRow t : tasks) {
        Integer tid = threads.get(t.worker());
        if (tid == null) {
          tid = threads.size() + 1;
          threads.put(t.worker(), tid);
          w.write(",\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":" + tid
              + ",\"args\":{\"name\":" + quote(t.worker()) + "}}");
        }
        w.write(",\n{\"ph\":\"X\",\"cat\":\"task\",\"name\":" + quote(Secrets.redact(t.taskName()))
            + ",\"pid\":1,\"tid\":" + tid + ",\"ts\":" + (t.start().toEpochMilli() - t0) * 1000
            + ",\"dur\":" + Math.round(t.durationSec() * 1e6) + ",\"args\":{\"task_no\":"
            + t.taskNo() + ",\"run\":" + t.run() + ",\"status\":" + quote(t.status())
            + ",\"cpu_sec\":" + t.cpuSec() + ",\"alloc_mb\":" + t.allocatedMb() + "}}");
      }
      w.write("\n]}\n");
      w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the trace of calculation " + id + ": "
          + e.getMessage(), e);
    }
    return tasks.size();
  }

  /** {@code s} as a JSON string. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}

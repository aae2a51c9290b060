package io.starmap.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.consumer.RecordingStream;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Writes down which test class started which process (PostgreSQL, a worker JVM, a browser, a
 * tool), for bin/lib/UnitTestsStartNothing.java to hold the kinds of test apart: a unit test
 * ({@code *Test}, {@code *Properties}) starts none, an integration test ({@code *IT}) may. Checking
 * what the tests do, rather than trusting their names, keeps the split true as tests are added.
 *
 * <p>Registered for every test JVM through {@code META-INF/services} in starmap-core's test jar.
 * The JDK's JFR event {@code jdk.ProcessStart} sees every process that the JVM starts, from any
 * thread; each is attributed to the top-level test class that started last before it (the classes
 * of a JVM run one after the other), so Flight Recorder is initialized in every test JVM. Written
 * to {@code target/process-starts/PID.tsv} of the module under test: one line per process, the
 * class, a tab, the command (its first 200 characters).
 */
public final class ProcessStartWatch implements TestExecutionListener {
  private record Started(Instant at, String command) {}

  private record Span(String className, Instant from) {}

  private final List<Started> started = new CopyOnWriteArrayList<>();
  private final List<Span> spans = new CopyOnWriteArrayList<>();
  private RecordingStream stream;

  @Override
  public void testPlanExecutionStarted(TestPlan plan) {
    stream = new RecordingStream();
    stream.enable("jdk.ProcessStart");
    // JDK 25's stream gave some events no command (a JVM that started the same commands twice,
    // bench import's IT): the start still counts against the class, without its command.
    stream.onEvent("jdk.ProcessStart", e -> started.add(new Started(e.getStartTime(),
        Objects.requireNonNullElse(e.getString("command"), "(command not recorded)"))));
    stream.startAsync();
  }

  @Override
  public void executionStarted(TestIdentifier id) {
    topClass(id).ifPresent(c -> spans.add(new Span(c, Instant.now())));
  }

  @Override
  public void testPlanExecutionFinished(TestPlan plan) {
    if (stream == null) {
      return;
    }
    stream.stop(); // delivers the events still buffered
    stream.close();
    List<String> lines = new ArrayList<>();
    for (Started s : started) {
      String command = s.command().replaceAll("\\s", " ");
      // The program and its first arguments say what it was; a worker's class path says no more.
      lines.add(owner(s.at()) + "\t" + command.substring(0, Math.min(command.length(), 200)));
    }
    Path dir = Path.of("target", "process-starts");
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(ProcessHandle.current().pid() + ".tsv"), lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the processes the tests started to " + dir, e);
    }
  }

  /**
   * The test class that ran at {@code at}: the last one to start before it (a nested class counts
   * as its outer class).
   */
  private String owner(Instant at) {
    Span best = null;
    for (Span s : spans) {
      if (!s.from().isAfter(at) && (best == null || s.from().isAfter(best.from()))) {
        best = s;
      }
    }
    return best == null ? "(before any test class)" : best.className();
  }

  /** The top-level class of a class container (a nested class counts as its outer class). */
  private static Optional<String> topClass(TestIdentifier id) {
    return id.getSource()
        .filter(ClassSource.class::isInstance)
        .map(s -> ((ClassSource) s).getClassName())
        .map(n -> n.contains("$") ? n.substring(0, n.indexOf('$')) : n);
  }
}

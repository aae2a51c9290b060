package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.starmap.core.Monitor;
import io.starmap.core.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageMonitorTest {
  /** A recorder that is also a monitor, as a calculation is; it notes what it is told. */
  private static class Recording implements Recorder, Monitor {
    final List<String> events = new ArrayList<>();

    @Override
    public Measurement measure(String operation) {
      events.add("measure " + operation);
      return new Measurement() {
        @Override
        public Measurement count(long n) {
          events.add("count " + operation + " " + n);
          return this;
        }

        @Override
        public void close() {
          events.add("close " + operation);
        }
      };
    }

    @Override
    public void count(String operation, long count) {
      events.add("count " + operation + " " + count);
    }
  }

  /** A recorder and monitor whose every call fails, at measuring or at closing. */
  private static final class Failing extends Recording {
    final boolean atMeasure;

    Failing(boolean atMeasure) {
      this.atMeasure = atMeasure;
    }

    @Override
    public Measurement measure(String operation) {
      if (atMeasure) {
        throw new IllegalStateException("the store is closed");
      }
      Measurement m = super.measure(operation);
      return new Measurement() {
        @Override
        public Measurement count(long n) {
          throw new IllegalStateException("the store is closed");
        }

        @Override
        public void close() {
          m.close();
          throw new IllegalStateException("the store is closed");
        }
      };
    }

    @Override
    public void count(String operation, long count) {
      throw new IllegalStateException("the store is closed");
    }
  }

  @Test
  void aRecorderThatIsAMonitorGetsTheStages() {
    Recording r = new Recording();
    Monitor stages = StageMonitor.of(r);
    try (var m = stages.measure("prepare")) {
      m.count(3);
    }
    stages.count("plan", 7);
    assertThat(r.events).containsExactly("measure prepare", "count prepare 3", "close prepare",
        "count plan 7");
  }

  @Test
  void aRecorderThatIsNoMonitorGetsNothingAndNothingFails() {
    StageMonitor stages = StageMonitor.of(Recorder.none());
    assertThatCode(() -> {
      try (var m = stages.measure("prepare")) {
        m.count(1);
      }
      stages.count("plan", 1);
    }).doesNotThrowAnyException();
  }

  @Test
  void theRecordersFailuresNeverReachTheRun() {
    Failing atMeasure = new Failing(true);
    assertThatCode(() -> {
      try (var m = StageMonitor.of(atMeasure).measure("prepare")) {
        m.count(1);
      }
      StageMonitor.of(atMeasure).count("plan", 1);
    }).doesNotThrowAnyException();

    Failing atClose = new Failing(false);
    assertThatCode(() -> {
      try (var m = StageMonitor.of(atClose).measure("confirm")) {
        m.count(1);
      }
    }).doesNotThrowAnyException();
    assertThat(atClose.events).containsExactly("measure confirm", "close confirm");
  }
}

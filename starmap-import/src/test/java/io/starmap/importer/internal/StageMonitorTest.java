package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.starmap.core.Monitor;
import io.starmap.core.Recorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** A recorder and monitor that fails at one kind of call: measure, count or close. */
  private static final class Failing extends Recording {
    final String failsAt;

    Failing(String failsAt) {
      this.failsAt = failsAt;
    }

    @Override
    public Measurement measure(String operation) {
      fail("measure");
      Measurement m = super.measure(operation);
      return new Measurement() {
        @Override
        public Measurement count(long n) {
          fail("count");
          return m.count(n);
        }

        @Override
        public void close() {
          fail("close");
          m.close();
        }
      };
    }

    @Override
    public void count(String operation, long count) {
      fail("count");
      super.count(operation, count);
    }

    private void fail(String call) {
      if (call.equals(failsAt)) {
        events.add("failed at " + call);
        throw new IllegalStateException("the store is closed");
      }
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
  void withARecorderThatIsNoMonitorTheStagesRunWithoutFailing() {
    StageMonitor stages = StageMonitor.of(Recorder.none());
    assertThatCode(() -> {
      try (var m = stages.measure("prepare")) {
        m.count(1);
      }
      stages.count("plan", 1);
    }).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"measure", "count", "close"})
  void theRecordersFailureNeverReachesTheRunAndItIsNotAskedAgain(String failsAt) {
    Failing r = new Failing(failsAt);
    StageMonitor stages = StageMonitor.of(r);
    assertThatCode(() -> {
      try (var m = stages.measure("prepare")) {
        m.count(1);
      }
      try (var m = stages.measure("plan")) {
        m.count(2);
      }
      stages.count("confirm", 3);
    }).doesNotThrowAnyException();
    // asked once, and never again after its failure
    assertThat(r.events).filteredOn(e -> e.startsWith("failed")).containsExactly(
        "failed at " + failsAt);
    assertThat(r.events).last().isEqualTo("failed at " + failsAt);
  }
}

package io.starmap.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class StarmapSmokeTest {
  @Test
  void sumsSquaresOnEveryBuiltInExecutor() {
    for (String executor : new String[] {"no", "threads", "virtual"}) {
      Starmap<Long, Long> squares = Starmap.<Long, Long>builder("square", (x, ctx) -> {
        try (var m = ctx.measure("multiply")) {
          m.count(1);
          return x * x;
        }
      }).executor(executor).workers(2).build();
      long total = squares.reduce(() -> LongStream.range(0, 1000).boxed().iterator(), 0L,
          Long::sum);
      assertThat(total).as(executor).isEqualTo(332833500L);
    }
  }

  @Test
  void firstFailureNamesTheTaskAndKeepsTheCause() {
    Starmap<Integer, Integer> failing = Starmap.<Integer, Integer>builder("boom", (x, ctx) -> {
      if (x == 7) {
        throw new IllegalStateException("seven");
      }
      return x;
    }).executor("threads").workers(2).build();
    assertThatThrownBy(() -> failing.reduce(java.util.List.of(1, 2, 3, 4, 5, 6, 7, 8), 0,
        Integer::sum))
        .isInstanceOf(TaskFailedException.class)
        .hasMessageContaining("boom#6(7)")
        .hasRootCauseInstanceOf(IllegalStateException.class);
  }
}

package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PlanMessageTest {
  @Test
  void oneOfAThingIsCountedInTheSingular() {
    Planner.Plan plan = new Planner.Plan(List.of(List.of(), List.of()), 1, 1, 2, 10, 1,
        64L << 20, List.of());
    assertThat(PlanMessage.of(plan)).isEqualTo("plan: 1 file, 0 pieces in 2 tasks of about 64 MB,"
        + " 1 byte to load; 1 piece (2 rows) already loaded");
  }

  @Test
  void nothingSkippedSaysNothingOfIt() {
    Planner.Plan plan = new Planner.Plan(List.of(List.of()), 522, 0, 0, 0, 124_700_000,
        9L << 20, List.of());
    assertThat(PlanMessage.of(plan)).isEqualTo("plan: 522 files, 0 pieces in 1 task of about 9 MB,"
        + " 124700000 bytes to load");
  }
}

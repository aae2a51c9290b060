package io.starmap.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.RepeatedTest;

/** The executor contract on {@code virtual}, and the order in which it starts tasks. */
class VirtualExecutorContractTest extends ExecutorContractTest {
  @Override
  protected String executorName() {
    return "virtual";
  }

  /** Records when it starts, then holds its place a little. */
  static final class RecordStart implements Task<Integer, Integer> {
    private static final long serialVersionUID = 1L;
    static final List<Integer> STARTS = new CopyOnWriteArrayList<>();

    @Override
    public Integer call(Integer x, TaskContext<Integer> ctx) throws InterruptedException {
      STARTS.add(x);
      Thread.sleep(2);
      return x;
    }
  }

  /**
   * Tasks start in the order submitted, as on {@code threads}: a waiting task has no thread, and
   * the executor starts the oldest one when a place frees. (Before, each task's own virtual
   * thread took a permit, so the order was that of the threads' first steps: once in a CI run,
   * the fail-fast contract test waited a minute for a task 1 that a later task had overtaken.
   * That race was rare; this test checks the order, it does not reproduce the race.)
   */
  @RepeatedTest(3)
  void tasksStartInTheOrderSubmitted() {
    RecordStart.STARTS.clear();
    Starmap<Integer, Integer> sm = this.<Integer, Integer>builder("recordStart", new RecordStart())
        .maxInFlight(40).build();
    assertThat(sm.reduce(range(40), 0, Integer::sum)).isEqualTo(40 * 39 / 2);
    List<Integer> starts = List.copyOf(RecordStart.STARTS);
    assertThat(starts).hasSize(40);
    // two at a time: a task starts with, or after, the one submitted just before it
    for (int i = 0; i < starts.size(); i++) {
      assertThat(Math.abs(starts.indexOf(i) - i)).as("place of task %d in %s", i, starts)
          .isLessThanOrEqualTo(workers() - 1);
    }
  }
}

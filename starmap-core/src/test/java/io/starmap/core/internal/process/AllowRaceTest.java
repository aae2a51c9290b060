package io.starmap.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * Allowing classes from many threads at once loses none of them: {@code allow} is a
 * read-modify-write of the allow-list, and a lost update would later refuse a task's class.
 */
@Timeout(120)
class AllowRaceTest {
  static final int THREADS = 16;
  static final int RULES_PER_THREAD = 40;

  @RepeatedTest(20)
  void concurrentAllowsAreAllKept() throws Exception {
    JavaSerializationCodec codec = new JavaSerializationCodec(List.of());
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < RULES_PER_THREAD; i++) {
            codec.allow("race.t" + id + ".p" + i);
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    assertThat(failures).isEmpty();
    List<String> missing = new ArrayList<>();
    List<String> rules = codec.rules();
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < RULES_PER_THREAD; i++) {
        String rule = "race.t" + t + ".p" + i;
        if (!rules.contains(rule) && !rules.contains(rule + ".*")) {
          missing.add(rule);
        }
      }
    }
    assertThat(missing.size()).as("rules lost by concurrent allow calls (of %d), e.g. %s",
        THREADS * RULES_PER_THREAD, missing.stream().limit(5).toList()).isZero();
  }
}

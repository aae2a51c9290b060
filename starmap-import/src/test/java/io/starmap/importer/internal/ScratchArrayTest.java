package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ScratchArrayTest {
  @Test
  void anArrayGivenBackIsTheThreadsNextTake() {
    ScratchArray arrays = new ScratchArray(64);
    byte[] first = arrays.take();
    assertThat(first).hasSize(64);
    first[3] = 7;
    arrays.give(first);
    byte[] again = arrays.take();
    assertThat(again).isSameAs(first);
    assertThat(again[3]).as("kept as it was left").isEqualTo((byte) 7);
  }

  @Test
  void anArrayTakenIsNoOneElsesUntilGivenBack() {
    ScratchArray arrays = new ScratchArray(64);
    arrays.give(arrays.take());
    byte[] first = arrays.take();
    byte[] second = arrays.take();
    assertThat(second).isNotSameAs(first).hasSize(64);
  }

  @Test
  void anotherThreadDoesNotGetThisThreadsArray() {
    ScratchArray arrays = new ScratchArray(64);
    byte[] mine = arrays.take();
    arrays.give(mine);
    byte[] theirs = CompletableFuture.supplyAsync(arrays::take).join();
    assertThat(theirs).isNotSameAs(mine);
    assertThat(arrays.take()).isSameAs(mine);
  }

  @Test
  void anArrayOfAnotherSizeIsNotKept() {
    ScratchArray arrays = new ScratchArray(64);
    byte[] grown = new byte[128];
    arrays.give(grown);
    assertThat(arrays.take()).isNotSameAs(grown).hasSize(64);
  }

  @Test
  void aSecondArrayGivenBackIsNotKeptOverTheFirst() {
    ScratchArray arrays = new ScratchArray(64);
    byte[] a = arrays.take();
    byte[] b = arrays.take();
    arrays.give(a);
    arrays.give(b);
    assertThat(arrays.take()).isSameAs(a);
    assertThat(arrays.take()).isNotSameAs(b);
  }

  @Test
  void afterTheCollectorClearedTheKeptArrayTheThreadKeepsTheNextOne() {
    ScratchArray arrays = new ScratchArray(64);
    arrays.give(arrays.take());
    arrays.clearAsTheCollectorWould();
    byte[] fresh = arrays.take();
    assertThat(fresh).hasSize(64);
    arrays.give(fresh);
    assertThat(arrays.take()).isSameAs(fresh);

    byte[] kept = arrays.take();
    arrays.give(kept);
    arrays.clearAsTheCollectorWould();
    byte[] other = new byte[64];
    arrays.give(other);
    assertThat(arrays.take()).as("given over a cleared reference").isSameAs(other);
  }
}

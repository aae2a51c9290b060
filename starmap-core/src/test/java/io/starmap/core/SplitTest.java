package io.starmap.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.core.Split.Block;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SplitTest {
  record Item(String name, double weight, String key) {}

  private static List<Integer> weightsOf(List<Block<Item>> blocks) {
    return blocks.stream().map(b -> (int) b.weight()).toList();
  }

  @Test
  void inBlocksGivesAboutHintBlocksOfSimilarWeight() {
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      items.add(i);
    }
    List<Block<Integer>> blocks = Split.inBlocks(items, 4, i -> 1.0);
    assertThat(blocks).hasSize(4).allSatisfy(b -> assertThat(b.weight()).isEqualTo(25.0));
    assertThat(blocks.stream().flatMap(b -> b.items().stream()).toList()).isEqualTo(items);
    // 10 over 3 blocks: at most ceil(10/3) = 4 per block
    assertThat(Split.inBlocks(items.subList(0, 10), 3, i -> 1.0)).extracting(Block::size)
        .containsExactly(4, 4, 2);
    assertThat(Split.inBlocks(items, 1, i -> 1.0)).hasSize(1);
    assertThat(Split.inBlocks(items, 0, i -> 1.0)).hasSize(1);
    assertThat(Split.inBlocks(List.<Integer>of(), 4, i -> 1.0)).isEmpty();
  }

  @Test
  void inBlocksNeverMixesKeysAndGroupsThemInOrderOfAppearance() {
    List<Item> items = List.of(new Item("a1", 1, "A"), new Item("b1", 1, "B"),
        new Item("a2", 1, "A"), new Item("b2", 1, "B"), new Item("a3", 1, "A"));
    List<Block<Item>> blocks = Split.inBlocks(items, 2, Item::weight, Item::key);
    for (Block<Item> b : blocks) {
      assertThat(b.items()).extracting(Item::key).containsOnly((String) b.key());
    }
    assertThat(blocks).extracting(Block::key).containsExactly("A", "B"); // at most ceil(5 / 2) = 3 each
    assertThat(blocks.get(0).items()).extracting(Item::name).containsExactly("a1", "a2", "a3");
  }

  @Test
  void byMaxWeightClosesABlockBeforeItWouldExceedTheMaximumOrTheKeyChanges() {
    List<Item> items = List.of(new Item("a", 3, "x"), new Item("b", 4, "x"),
        new Item("c", 2, "x"), new Item("zero", 0, "x"), new Item("big", 12, "x"),
        new Item("d", 1, "y"), new Item("e", 1, "y"));
    List<Block<Item>> blocks = new ArrayList<>();
    Split.byMaxWeight(items, 7, Item::weight, Item::key, false).forEach(blocks::add);
    assertThat(blocks).extracting(b -> b.items().stream().map(Item::name).toList())
        .containsExactly(List.of("a", "b"), List.of("c"), List.of("big"), List.of("d", "e"));
    assertThat(weightsOf(blocks)).containsExactly(7, 2, 12, 2);
    assertThat(blocks).extracting(Block::key).containsExactly("x", "x", "x", "y");
  }

  @Test
  void byMaxWeightHeaviestFirst() {
    List<Item> items = List.of(new Item("a", 1, "k"), new Item("b", 5, "k"),
        new Item("c", 3, "k"), new Item("d", 3, "k"));
    List<Block<Item>> blocks = new ArrayList<>();
    Split.byMaxWeight(items, 6, Item::weight, Item::key, true).forEach(blocks::add);
    assertThat(blocks).extracting(b -> b.items().stream().map(Item::name).toList())
        .containsExactly(List.of("b"), List.of("c", "d"), List.of("a"));
  }

  @Test
  void byMaxWeightIsLazy() {
    AtomicInteger pulled = new AtomicInteger();
    Iterable<Integer> endless = () -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Integer next() {
        return pulled.getAndIncrement();
      }
    };
    Iterator<Block<Integer>> blocks = Split.byMaxWeight(endless, 10, i -> 1.0).iterator();
    assertThat(blocks.next().items()).hasSize(10);
    assertThat(blocks.next().items()).startsWith(10);
    assertThat(pulled.get()).isEqualTo(21); // the 21st item is what closed the second block
  }

  @Test
  void zeroWeightsAreSkippedAndNegativeWeightsNameTheItem() {
    assertThat(Split.inBlocks(List.of(1, 2, 3), 2, i -> 0.0)).isEmpty();
    Iterator<Block<Integer>> none = Split.byMaxWeight(List.of(1, 2), 1, i -> 0.0).iterator();
    assertThat(none.hasNext()).isFalse();
    assertThatThrownBy(none::next).isInstanceOf(NoSuchElementException.class);
    List<Item> bad = List.of(new Item("fine", 1, "k"), new Item("broken", -2, "k"));
    assertThatThrownBy(() -> Split.inBlocks(bad, 2, Item::weight, Item::key))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broken")
        .hasMessageContaining("-2.0");
    assertThatThrownBy(() -> Split.byMaxWeight(bad, 5, Item::weight, Item::key, false)
        .forEach(b -> {})).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("broken");
    assertThatThrownBy(() -> Split.byMaxWeight(bad, 5, Item::weight, Item::key, true)
        .iterator()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("broken");
    assertThatThrownBy(() -> Split.byMaxWeight(List.of(1), 0, i -> 1.0))
        .hasMessageContaining("maxWeight must be positive, got 0.0");
    assertThatThrownBy(() -> Split.inBlocks(List.of(1), -1, i -> 1.0))
        .hasMessageContaining("hint must not be negative, got -1");
  }

  @Test
  void blocksFeedAStarmap() {
    List<Integer> items = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      items.add(i);
    }
    Starmap<Block<Integer>, Long> sum = Starmap.<Block<Integer>, Long>builder("sum",
        (block, ctx) -> block.items().stream().mapToLong(Integer::longValue).sum())
        .executor("threads").workers(2).weight(Block::weight).build();
    assertThat(sum.reduce(Split.byMaxWeight(items, 10, i -> i), 0L, Long::sum)).isEqualTo(5050);
  }
}

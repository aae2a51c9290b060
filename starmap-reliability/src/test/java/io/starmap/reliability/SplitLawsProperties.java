package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.core.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * The laws of {@link Split}: the blocks partition the items of positive weight (nothing lost,
 * nothing repeated, the order within a key kept), never mix keys, carry their true weight, and stay
 * within the maximum unless a single item is heavier; {@code byMaxWeight} closes a block only when
 * the next item would not fit or the key changes.
 */
class SplitLawsProperties {
  /** An item: a unique number, a weight and a key. */
  record Item(int n, double weight, String key) {}

  @Provide
  Arbitrary<List<Item>> items() {
    Arbitrary<Double> weights = Arbitraries.oneOf(Arbitraries.just(0.0),
        Arbitraries.integers().between(1, 50).map(Integer::doubleValue),
        Arbitraries.doubles().between(0.001, 100).ofScale(3));
    return Combinators.combine(weights, Arbitraries.of("A", "B", "C"))
        .as((w, k) -> new double[] {w, k.charAt(0)}).list().ofMaxSize(200).map(list -> {
          List<Item> out = new ArrayList<>();
          for (int i = 0; i < list.size(); i++) {
            out.add(new Item(i, list.get(i)[0], String.valueOf((char) list.get(i)[1])));
          }
          return out;
        });
  }

  @Property(tries = 500)
  void inBlocksPartitionsByKeyWithinTheQuotient(@ForAll("items") List<Item> items,
      @ForAll @IntRange(min = 0, max = 40) int hint) {
    List<Split.Block<Item>> blocks = Split.inBlocks(items, hint, Item::weight, Item::key);
    checkPartition(items, blocks);
    double total = items.stream().mapToDouble(Item::weight).sum();
    double max = hint <= 1 ? Double.POSITIVE_INFINITY
        : total >= hint ? Math.ceil(total / hint) : total / hint;
    for (Split.Block<Item> b : blocks) {
      if (b.size() > 1) {
        assertThat(b.weight()).isLessThanOrEqualTo(max + 1e-9);
      }
    }
    if (hint <= 1) {
      long keys = items.stream().filter(i -> i.weight() > 0).map(Item::key).distinct().count();
      assertThat(blocks).hasSize((int) keys);
    }
  }

  @Property(tries = 500)
  void byMaxWeightIsAGreedyPartition(@ForAll("items") List<Item> items,
      @ForAll @DoubleRange(min = 0.5, max = 300) double maxWeight,
      @ForAll boolean heaviestFirst) {
    List<Split.Block<Item>> blocks = new ArrayList<>();
    Split.byMaxWeight(items, maxWeight, Item::weight, Item::key, heaviestFirst)
        .forEach(blocks::add);
    if (!heaviestFirst) {
      List<Item> flat = new ArrayList<>();
      blocks.forEach(b -> flat.addAll(b.items()));
      assertThat(flat).isEqualTo(items.stream().filter(i -> i.weight() > 0).toList());
    }
    checkPartition(items, blocks);
    for (int i = 0; i < blocks.size(); i++) {
      Split.Block<Item> b = blocks.get(i);
      if (b.size() > 1) {
        assertThat(b.weight()).isLessThanOrEqualTo(maxWeight + 1e-9);
      }
      if (i + 1 < blocks.size() && Objects.equals(b.key(), blocks.get(i + 1).key())) {
        double next = blocks.get(i + 1).items().get(0).weight();
        assertThat(b.weight() + next).as("block %d closed although the next item fit", i)
            .isGreaterThan(maxWeight);
      }
    }
    // iterating again reads the items again and gives the same blocks
    List<Split.Block<Item>> again = new ArrayList<>();
    Split.byMaxWeight(items, maxWeight, Item::weight, Item::key, heaviestFirst)
        .forEach(again::add);
    assertThat(again).isEqualTo(blocks);
  }

  @Property(tries = 200)
  void aNegativeOrNanWeightIsRefusedNamingTheItem(@ForAll("items") List<Item> items,
      @ForAll boolean nan) {
    List<Item> bad = new ArrayList<>(items);
    Item evil = new Item(-1, nan ? Double.NaN : -1.5, "A");
    bad.add(bad.size() / 2, evil);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Split.inBlocks(bad, 3, Item::weight, Item::key))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(evil.toString());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Split.byMaxWeight(bad, 10,
            Item::weight, Item::key, false).forEach(b -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(evil.toString());
  }

  private static void checkPartition(List<Item> items, List<Split.Block<Item>> blocks) {
    Map<String, List<Item>> byKeyIn = new LinkedHashMap<>();
    items.stream().filter(i -> i.weight() > 0)
        .forEach(i -> byKeyIn.computeIfAbsent(i.key(), k -> new ArrayList<>()).add(i));
    Map<String, List<Item>> byKeyOut = new LinkedHashMap<>();
    for (Split.Block<Item> b : blocks) {
      assertThat(b.items()).isNotEmpty();
      assertThat(b.items()).allMatch(i -> i.key().equals(b.key()), "one key per block");
      assertThat(b.weight()).isCloseTo(b.items().stream().mapToDouble(Item::weight).sum(),
          org.assertj.core.data.Offset.offset(1e-6));
      byKeyOut.computeIfAbsent((String) b.key(), k -> new ArrayList<>()).addAll(b.items());
    }
    assertThat(byKeyOut.keySet()).containsExactlyInAnyOrderElementsOf(byKeyIn.keySet());
    byKeyIn.forEach((k, v) -> assertThat(byKeyOut.get(k))
        .containsExactlyInAnyOrderElementsOf(v));
  }
}

package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.core.AccumMap;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of {@link AccumMap} on exact values (longs, BigIntegers, long arrays of one length per
 * key, lists, nested maps): {@code plus} is associative, has the empty map as identity on both
 * sides, is commutative when no list is involved, changes neither operand, and {@code add} gives
 * the same result in place; a reduce in any grouping gives the same total.
 */
class AccumMapLawsProperties {

  @Provide
  Arbitrary<AccumMap> maps() {
    return maps(true);
  }

  @Provide
  Arbitrary<AccumMap> numericMaps() {
    return maps(false);
  }

  @Provide
  Arbitrary<List<AccumMap>> numericMapLists() {
    return maps(false).list().ofMaxSize(20);
  }

  private Arbitrary<AccumMap> maps(boolean lists) {
    Arbitrary<Long> longs = Arbitraries.longs().between(-1_000_000_000L, 1_000_000_000L);
    Arbitrary<Object> rows = longs.map(v -> (Object) v);
    Arbitrary<Object> big = longs.map(v -> (Object) BigInteger.valueOf(v).shiftLeft(70));
    Arbitrary<Object> arr = longs.array(long[].class).ofSize(4).map(a -> (Object) a);
    Arbitrary<Object> list = Arbitraries.strings().alpha().ofMaxLength(3).list().ofMaxSize(3)
        .map(l -> (Object) new ArrayList<>(l));
    Arbitrary<Object> nested = longs.map(v -> (Object) AccumMap.of("n", v));
    return Combinators.combine(rows.injectNull(0.3), big.injectNull(0.3), arr.injectNull(0.3),
        (lists ? list : rows).injectNull(0.3), nested.injectNull(0.3)).as((a, b, c, d, e) -> {
          AccumMap m = new AccumMap();
          put(m, "rows", a);
          put(m, "big", b);
          put(m, "sizes", c);
          put(m, lists ? "names" : "more", d);
          put(m, "sub", e);
          return m;
        });
  }

  private static void put(AccumMap m, String key, Object v) {
    if (v != null) {
      m.put(key, v);
    }
  }

  @Property(tries = 500)
  void plusIsAssociative(@ForAll("maps") AccumMap a, @ForAll("maps") AccumMap b,
      @ForAll("maps") AccumMap c) {
    assertThat(a.plus(b).plus(c)).isEqualTo(a.plus(b.plus(c)));
  }

  @Property(tries = 500)
  void theEmptyMapIsTheIdentity(@ForAll("maps") AccumMap a) {
    assertThat(AccumMap.empty().plus(a)).isEqualTo(a);
    assertThat(a.plus(AccumMap.empty())).isEqualTo(a);
  }

  @Property(tries = 500)
  void plusIsCommutativeWithoutLists(@ForAll("numericMaps") AccumMap a,
      @ForAll("numericMaps") AccumMap b) {
    assertThat(a.plus(b)).isEqualTo(b.plus(a));
  }

  @Property(tries = 500)
  void plusChangesNeitherOperandAndAddAgrees(@ForAll("maps") AccumMap a,
      @ForAll("maps") AccumMap b) {
    AccumMap a0 = a.copy();
    AccumMap b0 = b.copy();
    AccumMap sum = a.plus(b);
    assertThat(a).isEqualTo(a0);
    assertThat(b).isEqualTo(b0);
    AccumMap inPlace = a.copy().add(b);
    assertThat(inPlace).isEqualTo(sum);
    // later additions into the result never reach the operands
    inPlace.add(b);
    assertThat(b).isEqualTo(b0);
    assertThat(a.plus(a)).isEqualTo(a.copy().add(a));
  }

  @Property(tries = 200)
  void anyGroupingOfAReduceGivesTheSameTotal(@ForAll("numericMapLists") List<AccumMap> parts) {
    AccumMap left = AccumMap.empty();
    for (AccumMap p : parts) {
      left = left.plus(p);
    }
    AccumMap right = AccumMap.empty();
    for (int i = parts.size() - 1; i >= 0; i--) {
      right = parts.get(i).plus(right);
    }
    List<AccumMap> halves = new ArrayList<>(parts);
    while (halves.size() > 1) {
      List<AccumMap> next = new ArrayList<>();
      for (int i = 0; i < halves.size(); i += 2) {
        next.add(i + 1 < halves.size() ? halves.get(i).plus(halves.get(i + 1)) : halves.get(i));
      }
      halves = next;
    }
    AccumMap tree = halves.isEmpty() ? AccumMap.empty() : halves.get(0);
    assertThat(right).isEqualTo(left);
    assertThat(tree).isEqualTo(left);
  }
}

package io.starmap.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AccumMapTest {

  @Test
  void mergesKeysAndAddsSharedValuesByKind() {
    AccumMap a = AccumMap.of("rows", 3L, "i", 2, "x", 0.5, "sizes", new long[] {1, 2},
        "means", new double[] {1.0, 2.0}, "names", List.of("a"), "only-a", 7L);
    AccumMap b = AccumMap.of("rows", 4L, "i", 5, "x", 0.25, "sizes", new long[] {10, 20},
        "means", new double[] {0.5, 0.5}, "names", List.of("b", "c"), "only-b", new int[] {9});
    AccumMap sum = a.plus(b);
    assertThat(sum.get("rows")).isEqualTo(7L);
    assertThat(sum.get("i")).isEqualTo(7);
    assertThat(sum.get("x")).isEqualTo(0.75);
    assertThat((long[]) sum.get("sizes")).containsExactly(11, 22);
    assertThat((double[]) sum.get("means")).containsExactly(1.5, 2.5);
    assertThat(new ArrayList<Object>((List<?>) sum.get("names"))).containsExactly("a", "b", "c");
    assertThat(sum.get("only-a")).isEqualTo(7L);
    assertThat((int[]) sum.get("only-b")).containsExactly(9);
    assertThat(sum.keySet()).containsExactly("rows", "i", "x", "sizes", "means", "names",
        "only-a", "only-b");
  }

  @Test
  void numbersKeepTheirKind() {
    assertThat(AccumMap.of("k", 1).plus(AccumMap.of("k", 2)).get("k")).isEqualTo(3);
    assertThat(AccumMap.of("k", 1).plus(AccumMap.of("k", 2L)).get("k")).isEqualTo(3L);
    assertThat(AccumMap.of("k", 1).plus(AccumMap.of("k", 2.5)).get("k")).isEqualTo(3.5);
    assertThat(AccumMap.of("k", BigInteger.TWO).plus(AccumMap.of("k", 3L)).get("k"))
        .isEqualTo(BigInteger.valueOf(5));
    assertThat(AccumMap.of("k", new BigDecimal("0.1")).plus(AccumMap.of("k", new BigDecimal("0.2")))
        .get("k")).isEqualTo(new BigDecimal("0.3"));
    assertThatThrownBy(() -> AccumMap.of("k", Long.MAX_VALUE).plus(AccumMap.of("k", 1L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'k'")
        .hasMessageContaining("overflows");
  }

  @Test
  void nestedMapsAreMerged() {
    AccumMap a = AccumMap.of("by-file", AccumMap.of("a.csv", 10L, "b.csv", 5L));
    AccumMap b = AccumMap.of("by-file", Map.of("b.csv", 1L, "c.csv", 2L));
    AccumMap sum = a.plus(b);
    assertThat(sum.get("by-file")).isEqualTo(AccumMap.of("a.csv", 10L, "b.csv", 6L, "c.csv", 2L));
  }

  @Test
  void mismatchesNameTheKey() {
    assertThatThrownBy(() -> AccumMap.of("losses", new double[] {1, 2})
        .plus(AccumMap.of("losses", new double[] {1, 2, 3})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'losses'").hasMessageContaining("2 and 3");
    assertThatThrownBy(() -> AccumMap.of("k", new double[] {1}).plus(AccumMap.of("k", 1L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'k'");
    assertThatThrownBy(() -> AccumMap.of("outer", AccumMap.of("inner", new long[] {1}))
        .plus(AccumMap.of("outer", AccumMap.of("inner", new long[] {1, 2}))))
        .hasMessageContaining("'outer'").hasMessageContaining("'inner'");
    assertThatThrownBy(() -> AccumMap.of("name", "text"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'name'")
        .hasMessageContaining("java.lang.String");
    assertThatThrownBy(() -> AccumMap.of("a", 1, "a", 2)).hasMessageContaining("'a' given twice");
    assertThatThrownBy(() -> AccumMap.of("a")).hasMessageContaining("pairs");
  }

  @Test
  void plusChangesNeitherOperandAndAddNeverAliasesTheOther() {
    double[] shared = {1, 2};
    AccumMap a = AccumMap.of("v", new double[] {1, 1});
    AccumMap b = AccumMap.of("v", shared, "w", new long[] {5});
    AccumMap sum = a.plus(b);
    assertThat((double[]) a.get("v")).containsExactly(1, 1);
    assertThat((double[]) b.get("v")).containsExactly(1, 2);
    AccumMap acc = new AccumMap();
    acc.add(b).add(b);
    assertThat((double[]) acc.get("v")).containsExactly(2, 4);
    assertThat(shared).containsExactly(1, 2);
    assertThat((long[]) b.get("w")).containsExactly(5);
    assertThat(sum).isEqualTo(AccumMap.of("v", new double[] {2, 3}, "w", new long[] {5}));
    assertThat(acc.add(acc).get("w")).isEqualTo(new long[] {20});
  }

  @Test
  void emptyIsTheIdentity() {
    AccumMap x = AccumMap.of("n", 2L, "v", new double[] {1, 2}, "l", List.of(1));
    assertThat(AccumMap.empty().plus(x)).isEqualTo(x);
    assertThat(x.plus(AccumMap.empty())).isEqualTo(x);
    assertThat(AccumMap.empty().plus(AccumMap.empty())).isEqualTo(AccumMap.empty());
  }

  @Test
  void additionIsAssociativeOnIntegersArraysAndListsAndCommutativeButForListOrder() {
    Random random = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      AccumMap a = random(random);
      AccumMap b = random(random);
      AccumMap c = random(random);
      assertThat(a.plus(b).plus(c)).isEqualTo(a.plus(b.plus(c)));
      AccumMap ab = a.plus(b);
      AccumMap ba = b.plus(a);
      assertThat(ab.get("n")).isEqualTo(ba.get("n"));
      assertThat((long[]) ab.get("counts")).isEqualTo((long[]) ba.get("counts"));
    }
  }

  private static AccumMap random(Random r) {
    AccumMap m = new AccumMap();
    m.put("n", (long) r.nextInt(1000));
    m.put("counts", new long[] {r.nextInt(100), r.nextInt(100), r.nextInt(100)});
    if (r.nextBoolean()) {
      m.put("ints", new int[] {r.nextInt(10), r.nextInt(10)});
    }
    List<Integer> l = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      l.add(r.nextInt());
    }
    m.put("list", l);
    return m;
  }

  @Test
  void survivesSerialization() throws Exception {
    AccumMap m = AccumMap.of("n", 1L, "v", new double[] {1.5}, "l", List.of("x"),
        "nested", AccumMap.of("k", 2));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(m);
    }
    Object back = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))
        .readObject();
    assertThat(back).isEqualTo(m).hasSameHashCodeAs(m);
    assertThat(m.toString()).isEqualTo("{n=1, v=[1.5], l=[x], nested={k=2}}");
  }
}

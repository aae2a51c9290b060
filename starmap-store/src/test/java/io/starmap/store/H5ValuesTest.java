package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The values a group's attributes and a table's columns take, and those they refuse. */
class H5ValuesTest {
  @Test
  void attributesKeepLongsDoublesAndStringsAndWidenTheRest() {
    H5Group g = new H5Group("/");
    g.attr("i", 7).attr("l", 8L).attr("f", 0.5f).attr("d", 0.25).attr("yes", true)
        .attr("no", false).attr("s", "text");

    assertThat(g.attrLong("i")).isEqualTo(7L);
    assertThat(g.attrLong("l")).isEqualTo(8L);
    assertThat(g.attrDouble("f")).isEqualTo(0.5);
    assertThat(g.attrDouble("d")).isEqualTo(0.25);
    assertThat(g.attrLong("yes")).isEqualTo(1L);
    assertThat(g.attrLong("no")).isZero();
    assertThat(g.attrString("s")).isEqualTo("text");
  }

  @Test
  void anArrayAttributeIsCopiedNotShared() {
    long[] values = {1, 2};
    H5Group g = new H5Group("/").attr("a", values);
    values[0] = 99;

    assertThat((long[]) g.attributes().get("a")).containsExactly(1, 2);
  }

  @Test
  void aNullOrUnsupportedAttributeIsRefusedByName() {
    H5Group g = new H5Group("grp");

    assertThatThrownBy(() -> g.attr("owner", null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attribute owner of grp is null");
    assertThatThrownBy(() -> g.attr("when", new java.util.Date()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("attribute when of grp has unsupported type java.util.Date");
    assertThatThrownBy(() -> g.attr("ints", new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[I");
  }

  @Test
  void aTableTakesLongDoubleAndStringColumnsOfOneLength() {
    H5Table t = new H5Table(columns("n", new long[] {1, 2}, "x", new double[] {0.5, 1},
        "s", new String[] {"a", "b"}));
    H5Group g = new H5Group("/");
    t.writeTo(g);

    assertThat(t.rows()).isEqualTo(2);
    assertThat(g.longs("n")).containsExactly(1, 2);
    assertThat(g.doubles("x")).containsExactly(0.5, 1);
    assertThat(g.strings("s")).containsExactly("a", "b");
  }

  @Test
  void aTableRefusesANullColumnAnotherTypeOrAnotherLength() {
    assertThatThrownBy(() -> new H5Table(columns("n", null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("column n is null");
    assertThatThrownBy(() -> new H5Table(columns("n", new int[] {1})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("column n must be long[], double[] or String[], not int[]");
    assertThatThrownBy(() -> new H5Table(columns("n", new long[] {1}, "s", new String[0])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("column s has 0 values, the columns before it 1");
  }

  private static Map<String, Object> columns(Object... nameValue) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], nameValue[i + 1]);
    }
    return m;
  }
}

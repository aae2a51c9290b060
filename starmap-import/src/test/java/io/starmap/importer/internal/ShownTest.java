package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Input text in messages: short values as they are, long ones and long lists cut and counted. */
class ShownTest {
  @Test
  void aShortValueIsShownWhole() {
    assertThat(Shown.value("x".repeat(100))).isEqualTo("x".repeat(100));
  }

  @Test
  void aLongValueIsCutAndItsLengthGiven() {
    assertThat(Shown.value("y".repeat(400_000)))
        .isEqualTo("y".repeat(100) + "... (400000 characters)");
  }

  @Test
  void aCutDoesNotSplitACharacterOutsideTheBasicPlane() {
    String s = "a".repeat(99) + "\uD83D\uDE00" + "b".repeat(10); // 99 letters, then an emoji
    assertThat(Shown.value(s)).isEqualTo("a".repeat(99) + "... (111 characters)");
  }

  @Test
  void aListShowsThirtyValuesAndHowManyThereAre() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      names.add("c" + i);
    }
    String shown = Shown.list(names);
    assertThat(shown).startsWith("[c0, c1, ").endsWith(", c29, ... (40 values)]");
    assertThat(Shown.list(List.of("a", "z".repeat(101))))
        .isEqualTo("[a, " + "z".repeat(100) + "... (101 characters)]");
  }
}

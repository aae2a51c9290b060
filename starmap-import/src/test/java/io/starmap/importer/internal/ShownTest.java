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
    assertThat(Shown.value(s)).isEqualTo("a".repeat(99) + "... (110 characters)");
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

  @Test
  void theColumnListsHeaderMessageShowsThirtyFieldsCut() {
    List<String> names = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      names.add(i == 0 ? "n".repeat(500) : "h" + i);
      fields.add("c" + i);
    }
    String m = ColumnList.headerMessage(fields, new ColumnList.FirstHeader("f.csv", names));
    assertThat(m).contains("(f.csv: " + "n".repeat(100) + "... (500 characters) -> c0, h1 -> c1")
        .endsWith(", h29 -> c29, ... (40 fields))");
  }

  @Test
  void aHeaderNameTooLongForAColumnIsShownCut() {
    ColumnNames c = ColumnNames.of(List.of("q".repeat(1000), "b"));
    assertThat(c.changes()).singleElement().asString()
        .startsWith("field 1 \"" + "q".repeat(100) + "... (1000 characters)\" is longer than 63"
            + " bytes: column \"" + "q".repeat(63) + "\"");
  }
}

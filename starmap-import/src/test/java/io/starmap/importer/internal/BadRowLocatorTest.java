package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postgresql.util.ServerErrorMessage;

class BadRowLocatorTest {
  /** A server error as the protocol carries it: fields of a type letter and a value. */
  private static ServerErrorMessage error(String message, String where) {
    return new ServerErrorMessage("SERROR\0C22P02\0M" + message + "\0W" + where + "\0");
  }

  @Test
  void aShortReasonIsKeptWholeWithItsColumn() {
    assertThat(BadRowLocator.reason(error("invalid input syntax for type integer: \"x\"",
        "COPY t, line 3, column id: \"x\""))).isEqualTo(
            "invalid input syntax for type integer: \"x\" (column id)");
  }

  @Test
  void aReasonQuotingAHugeValueIsCutAndSaysHowLongItWas() {
    String value = "9".repeat(5_000);
    String message = "value \"" + value + "\" is out of range";
    String r = BadRowLocator.reason(error(message, "COPY t, line 1, column n: \"" + value + "\""));
    String tail = "... (" + message.length() + " characters) (column n)";
    assertThat(r).isEqualTo(message.substring(0, 1_000) + tail);
  }

  @Test
  void theCutNeverSplitsACharacterOutsideTheBasicPlane() {
    // "value \"" is 7 chars; 992 chars more put an emoji's two halves at 999 and 1000
    String message = "value \"" + "a".repeat(992) + "\uD83D\uDE00" + "b".repeat(100) + "\"";
    String r = BadRowLocator.reason(error(message, "COPY t, line 1"));
    assertThat(r).startsWith("value \"aaa").endsWith("a... (" + message.length()
        + " characters)");
    assertThat(r.chars().filter(c -> Character.isSurrogate((char) c)).count()).isZero();
  }
}

package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** How tables print doubles: three significant digits below 1, in plain notation. */
class TableNumbersTest {
  @Test
  void smallValuesKeepThreeSignificantDigitsWithoutTrailingZeros() {
    assertThat(Table.threeSignificant(0.0000123456)).isEqualTo("0.0000123");
    assertThat(Table.threeSignificant(0.000012)).isEqualTo("0.000012");
    assertThat(Table.threeSignificant(0.5)).isEqualTo("0.5");
    assertThat(Table.threeSignificant(0.1)).isEqualTo("0.1");
    assertThat(Table.threeSignificant(0.00125)).isEqualTo("0.00125");
    assertThat(Table.threeSignificant(0.0012345)).isEqualTo("0.00123");
    assertThat(Table.threeSignificant(0.0012355)).isEqualTo("0.00124");
    // a tie of the decimal form rounds up, whatever the binary value below it (0.12349999...)
    assertThat(Table.threeSignificant(0.1235)).isEqualTo("0.124");
    assertThat(Table.threeSignificant(-0.0456789)).isEqualTo("-0.0457");
    assertThat(Table.threeSignificant(0.9996)).isEqualTo("1");
    assertThat(Table.threeSignificant(-0.9999)).isEqualTo("-1");
    assertThat(Table.threeSignificant(0.09996)).isEqualTo("0.1");
    assertThat(Table.threeSignificant(Double.MIN_VALUE)).isEqualTo("0." + "0".repeat(323) + "49");
  }

  /** The reference: the shortest decimal form of the double, rounded half up. */
  @Test
  void agreesWithDecimalRoundingOfTheShortestFormOnRandomValues() {
    SplittableRandom random = new SplittableRandom(20261206);
    for (int i = 0; i < 200_000; i++) {
      double d = random.nextDouble() * Math.pow(10, -random.nextInt(12));
      if (random.nextBoolean()) {
        d = -d;
      }
      if (d == 0) {
        continue;
      }
      String expected = new BigDecimal(Double.toString(d))
          .round(new MathContext(3, RoundingMode.HALF_UP)).stripTrailingZeros().toPlainString();
      assertThat(Table.threeSignificant(d)).as("%s", d).isEqualTo(expected);
    }
  }

  @Test
  void aTablePrintsSmallDoublesSoAndOthersWithFixedDecimals() {
    StringWriter out = new StringWriter();
    Table.of("a", "b", "c", "d").row(0.0000123456, 2.0, 12.34567, 1234.56)
        .print(new PrintWriter(out), Table.Format.CSV);
    assertThat(out.toString()).isEqualTo("a,b,c,d" + System.lineSeparator()
        + "0.0000123,2,12.346,1234.6" + System.lineSeparator());
  }
}

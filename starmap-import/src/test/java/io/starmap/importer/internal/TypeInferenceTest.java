package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.internal.TypeInference.Type;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each value's type and each join, as the import guide states the rules. */
class TypeInferenceTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      0                                    | INTEGER
      -2147483648                          | INTEGER
      2147483648                           | BIGINT
      +42                                  | INTEGER
      9223372036854775807                  | BIGINT
      9223372036854775808                  | NUMERIC
      123456789012345678901234             | NUMERIC
      000123                               | TEXT
      -007                                 | TEXT
      20.95                                | NUMERIC
      0.5                                  | NUMERIC
      .5                                   | NUMERIC
      5.                                   | NUMERIC
      01.5                                 | TEXT
      1e5                                  | DOUBLE
      -1.5E-3                              | DOUBLE
      inf                                  | DOUBLE
      -Infinity                            | DOUBLE
      NaN                                  | DOUBLE
      1e                                   | TEXT
      -                                    | TEXT
      1.2.3                                | TEXT
      true                                 | BOOLEAN
      FALSE                                | BOOLEAN
      t                                    | BOOLEAN
      yes                                  | TEXT
      2015-07-06                           | DATE
      2024-02-30                           | TEXT
      0000-01-01                           | TEXT
      2015-07-06 12:30                     | TIMESTAMP
      2015-07-06T12:30:59.123456           | TIMESTAMP
      2015-07-06 24:00:00                  | TEXT
      2015-07-06T12:30:00Z                 | TIMESTAMPTZ
      2015-07-06 12:30:00+02               | TIMESTAMPTZ
      2015-07-06 12:30:00.5-05:30          | TIMESTAMPTZ
      2015-07-06 12:30:00+2                | TEXT
      07/06/2015                           | TEXT
      123e4567-e89b-12d3-a456-426614174000 | UUID
      123E4567-E89B-12D3-A456-426614174000 | UUID
      123e4567-e89b-12d3-a456-42661417400g | TEXT
      hello                                | TEXT
      """)
  void aValueHasTheNarrowestTypeThatReadsItExactly(String value, Type expected) {
    assertThat(TypeInference.of(value)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} + {1} -> {2}")
  @CsvSource(textBlock = """
      INTEGER, BIGINT, BIGINT
      INTEGER, NUMERIC, NUMERIC
      BIGINT, DOUBLE, DOUBLE
      NUMERIC, DOUBLE, DOUBLE
      DATE, TIMESTAMP, TIMESTAMP
      TIMESTAMP, TIMESTAMPTZ, TIMESTAMPTZ
      DATE, INTEGER, TEXT
      BOOLEAN, INTEGER, TEXT
      UUID, TEXT, TEXT
      NONE, DATE, DATE
      UUID, NONE, UUID
      """)
  void aColumnTakesTheJoinOfItsValuesTypes(Type a, Type b, Type joined) {
    assertThat(TypeInference.join(a, b)).isEqualTo(joined);
    assertThat(TypeInference.join(b, a)).isEqualTo(joined);
  }

  @ParameterizedTest
  @CsvSource({"''"})
  void anEmptyValueIsText(String empty) {
    assertThat(TypeInference.of(empty)).isEqualTo(Type.TEXT);
  }
}

package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.Charset;
import org.junit.jupiter.api.Test;

/** The one encoding table: every spelling to PostgreSQL's name, and to the JDK charset. */
class PgEncodingTest {
  @Test
  void latin9IsIso885915UnderEverySpelling() {
    for (String name : new String[] {"LATIN9", "latin9", "ISO-8859-15", "iso8859_15", "Latin-9"}) {
      assertThat(PgEncoding.pgName(name)).as(name).isEqualTo("LATIN9");
    }
    assertThat(PgEncoding.charset("LATIN9")).isEqualTo(Charset.forName("ISO-8859-15"));
  }

  @Test
  void usualNamesMapToPostgresNames() {
    assertThat(PgEncoding.pgName("utf-8")).isEqualTo("UTF8");
    assertThat(PgEncoding.pgName("cp1252")).isEqualTo("WIN1252");
    assertThat(PgEncoding.pgName("ISO-8859-1")).isEqualTo("LATIN1");
    assertThat(PgEncoding.charset("WIN1251")).isEqualTo(Charset.forName("windows-1251"));
  }

  @Test
  void anUnknownEncodingIsAnErrorNeverUtf8() {
    assertThatThrownBy(() -> PgEncoding.pgName("klingon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown encoding 'klingon'; known: UTF8,");
    assertThatThrownBy(() -> PgEncoding.charset("KLINGON"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown encoding 'KLINGON'");
    assertThatThrownBy(() -> PgEncoding.pgName("UTF-16"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not supported by PostgreSQL COPY");
  }
}

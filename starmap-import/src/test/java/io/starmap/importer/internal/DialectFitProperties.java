package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The sniffer reads each sampled file once per quote, counting every candidate delimiter in the
 * same pass ({@link DialectSniffer#fits}): whatever the bytes, each delimiter's fit must be the one
 * it has when counted alone.
 */
class DialectFitProperties {
  private static final byte[] DELIMITERS = {',', ';', '\t', '|'};

  @Provide
  Arbitrary<byte[]> csvish() {
    // the bytes that matter to a fit, and a letter, in any order: quotes, escapes, blank lines
    return Arbitraries.of((byte) ',', (byte) ';', (byte) '\t', (byte) '|', (byte) '"',
        (byte) '\'', (byte) '\\', (byte) '\n', (byte) '\r', (byte) 'a', (byte) 'a', (byte) 'a')
        .array(byte[].class).ofMaxSize(400);
  }

  @Property(tries = 400)
  void eachDelimiterFitsAsIfCountedAlone(@ForAll("csvish") byte[] bytes, @ForAll boolean whole,
      @ForAll boolean doubleQuote, @ForAll boolean backslashEscape) {
    Sample.Chunk chunk = new Sample.Chunk("f.csv", bytes, whole);
    byte quote = doubleQuote ? (byte) '"' : (byte) '\'';
    int escape = backslashEscape ? '\\' : -1;
    Object[] together = DialectSniffer.fits(chunk, DELIMITERS, quote, escape);
    for (int i = 0; i < DELIMITERS.length; i++) {
      Object alone = DialectSniffer.fits(chunk, new byte[] {DELIMITERS[i]}, quote, escape)[0];
      assertThat(together[i]).as("delimiter %s", (char) DELIMITERS[i]).isEqualTo(alone);
    }
  }
}

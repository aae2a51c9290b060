package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How sampled records split: the one pass over all delimiters against each candidate's own. */
class ChunkSplitsTest {
  @Test
  void theOnePassReadingOfAllDelimitersIsEachCandidatesOwnWhereItsQuoteIsAbsent() {
    Random rnd = new Random(19);
    byte[] alphabet = "ab,;\t|\"'\n\r\\".getBytes(StandardCharsets.ISO_8859_1);
    int plainUsed = 0;
    for (int round = 0; round < 3000; round++) {
      // inputs without quotes, with one kind, with both; some longer than the records read
      byte[] bytes = new byte[round % 100 < 3 ? 60_000 : rnd.nextInt(200)];
      for (int i = 0; i < bytes.length; i++) {
        byte c = alphabet[rnd.nextInt(alphabet.length)];
        boolean dropped = round % 3 == 0 ? c == '"' || c == '\'' : round % 3 == 1 && c == '\'';
        bytes[i] = dropped ? (byte) 'a' : c;
      }
      Sample.Chunk chunk = new Sample.Chunk("f.csv", bytes, rnd.nextBoolean());
      ChunkSplits.Plain plain = ChunkSplits.plain(chunk);
      for (char d : DialectSniffer.DELIMITERS) {
        for (char q : DialectSniffer.QUOTES) {
          ChunkSplits.Fit fast = plain.fit(d, q);
          boolean quoteAbsent = new String(bytes, StandardCharsets.ISO_8859_1).indexOf(q) < 0;
          assertThat(fast != null).as("round %d %s %s", round, d, q).isEqualTo(quoteAbsent);
          if (fast != null) {
            plainUsed++;
            for (int escape : new int[] {Dialect.NO_ESCAPE, '\\'}) {
              assertThat(fast).as("round %d %s %s", round, d, q)
                  .isEqualTo(ChunkSplits.fit(chunk, (byte) d, (byte) q, escape));
            }
          }
        }
      }
    }
    assertThat(plainUsed).isGreaterThan(3000);
  }

  @Test
  void withoutAnEscapeAByteFfBeforeAClosingQuoteIsALetter() {
    // "ÿ" in LATIN1 is the byte 0xFF, -1 as a Java byte: no escape must be a value no byte equals
    byte[] latin1 = "\"\u00ff\",b\n\"c\u00ff\",d\n\"e\",f\n".getBytes(StandardCharsets.ISO_8859_1);
    Sample.Chunk chunk = new Sample.Chunk("f.csv", latin1, true);

    assertThat(ChunkSplits.fit(chunk, (byte) ',', (byte) '"', Dialect.NO_ESCAPE))
        .isEqualTo(new ChunkSplits.Fit(3, 2, 3));
    // the sniffer, asked for the delimiter with the escape equal to the quote: no escape
    DialectSniffer.Sniffed sniffed = DialectSniffer.sniff((char) 0, '"', '"', "",
        new Sample(List.of(chunk), 1), 0);
    assertThat(sniffed.delimiter()).isEqualTo(',');
    assertThat(sniffed.fields()).isEqualTo(2);
  }
}

package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The record scanner against a byte-by-byte model of PostgreSQL's CSV line reader written here:
 * a newline ends a record outside quotes; a quote opens or closes them unless the escape (when it
 * differs from the quote) precedes it inside quotes. Random bytes of a small alphabet that holds
 * every special byte, and the bytes 0x80 and 0xFF (letters in a single-byte encoding), fed in
 * random chunks.
 */
class RecordScannerProperties {
  private static final byte[] ALPHABET = {'a', 'b', ',', '"', '\\', '\n', '\r', '\'',
      (byte) 0xFF, (byte) 0x80};

  @Provide
  Arbitrary<byte[]> csv() {
    return Arbitraries.of(
        Arbitraries.integers().between(0, ALPHABET.length - 1).map(i -> ALPHABET[i])
            .list().ofMaxSize(300),
        // mostly plain text: long fields and records
        Arbitraries.integers().between(0, 40).map(i -> i < 32 ? (byte) ('a' + i % 26)
            : ALPHABET[i - 32]).list().ofMaxSize(300))
        .flatMap(a -> a).map(RecordScannerProperties::bytes);
  }

  private static byte[] bytes(List<Byte> list) {
    byte[] b = new byte[list.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = list.get(i);
    }
    return b;
  }

  @Provide
  Arbitrary<Dialect> dialect() {
    return Arbitraries.of(
        new Dialect((byte) ',', (byte) '"', (byte) '"', "", "UTF8"),
        new Dialect((byte) ',', (byte) '"', (byte) '\\', "", "UTF8"),
        new Dialect((byte) ',', (byte) '\'', (byte) '\'', "", "LATIN1"),
        new Dialect((byte) ',', (byte) '"', (byte) 0xFF, "", "LATIN1"));
  }

  @Property(tries = 3000)
  void scanningInChunksCountsAsTheModel(@ForAll("csv") byte[] input,
      @ForAll("dialect") Dialect d, @ForAll @Size(max = 6) List<@IntRange(max = 300) Integer> cuts) {
    Model m = new Model(d);
    m.feed(input);
    RecordScanner s = new RecordScanner(d);
    int[] at = cuts.stream().mapToInt(c -> Math.min(c, input.length)).sorted().toArray();
    int from = 0;
    for (int cut : at) {
      s.scan(input, from, cut);
      from = cut;
    }
    s.scan(input, from, input.length);
    String text = Arrays.toString(input);
    assertThat(s.records()).as(text).isEqualTo(m.records);
    assertThat(s.newlines()).as(text).isEqualTo(m.newlines);
    assertThat(s.inQuote()).as(text).isEqualTo(m.inQuote);
    assertThat(s.pending()).as(text).isEqualTo(m.pending);
    assertThat(s.newlinesInRecord()).as(text).isEqualTo(m.newlinesInRecord);
  }

  @Property(tries = 3000)
  void recordEndsAreTheModels(@ForAll("csv") byte[] input, @ForAll("dialect") Dialect d) {
    Model m = new Model(d);
    List<Integer> expected = m.feed(input);
    RecordScanner s = new RecordScanner(d);
    List<Integer> ends = new ArrayList<>();
    for (int i = 0, e; i < input.length && (e = s.nextRecordEnd(input, i, input.length)) >= 0;
        i = e) {
      ends.add(e);
    }
    assertThat(ends).as(Arrays.toString(input)).isEqualTo(expected);
  }

  @Example
  void aLetterYBeforeAClosingQuoteIsNotAnEscape() {
    // LATIN1 "aÿ",x then b,y: the byte 0xFF is a letter, the CSV has no escape but the quote
    byte[] b = {'"', 'a', (byte) 0xFF, '"', ',', 'x', '\n', 'b', ',', 'y', '\n'};
    RecordScanner s = new RecordScanner(new Dialect((byte) ',', (byte) '"', (byte) '"', "",
        "LATIN1"));
    s.scan(b, 0, b.length);
    assertThat(s.records()).isEqualTo(2);
    assertThat(s.inQuote()).isFalse();
  }

  /** The reader, one byte at a time. */
  private static final class Model {
    final byte quote;
    final boolean hasEscape;
    final byte escape;
    long records;
    long newlines;
    long newlinesInRecord;
    boolean inQuote;
    boolean pending;
    boolean escaped;

    Model(Dialect d) {
      quote = d.quote();
      hasEscape = d.escape() != d.quote();
      escape = d.escape();
    }

    /** Feeds bytes; returns the index after each record's end. */
    List<Integer> feed(byte[] b) {
      List<Integer> ends = new ArrayList<>();
      for (int i = 0; i < b.length; i++) {
        byte c = b[i];
        if (c == '\n') {
          newlines++;
          escaped = false;
          if (inQuote) {
            newlinesInRecord++;
            pending = true;
          } else {
            records++;
            newlinesInRecord = 0;
            pending = false;
            ends.add(i + 1);
          }
          continue;
        }
        pending = true;
        if (inQuote && hasEscape && c == escape) {
          escaped = !escaped;
        } else if (inQuote) {
          if (c == quote && !escaped) {
            inQuote = false;
          }
          escaped = false;
        } else if (c == quote) {
          inQuote = true;
        }
      }
      return ends;
    }
  }
}

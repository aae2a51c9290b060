package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.importer.ImportException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sniffer on samples written here: what it picks, why, and when it refuses to guess. */
class DialectSnifferTest {
  private static Sample sample(String... namesAndContents) {
    List<Sample.Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      chunks.add(new Sample.Chunk(namesAndContents[i],
          namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8), true));
    }
    return new Sample(chunks, chunks.size());
  }

  private static DialectSniffer.Sniffed sniff(Sample s) {
    return DialectSniffer.sniff('\0', '\0', '\0', "", s, 0);
  }

  @Test
  void findsEachDelimiterAndSaysWhy() {
    String rows = "a;b;c\n1;2,5;3\n4;5,5;6\n";
    DialectSniffer.Sniffed s = sniff(sample("x.csv", rows));
    assertThat(s.delimiter()).isEqualTo(';');
    assertThat(s.quote()).isEqualTo('"');
    assertThat(s.message()).isEqualTo("dialect: delimiter ';', quote '\"' (sniffed from 1 file,"
        + " 3 records: 3 fields in every record)");
    assertThat(sniff(sample("t.tsv", "a\tb\n1\t2\n")).delimiter()).isEqualTo('\t');
    assertThat(sniff(sample("p.txt", "a|b|c\n1|2|3\n")).delimiter()).isEqualTo('|');
    assertThat(sniff(sample("c.csv", "a,b\n1,2\n")).delimiter()).isEqualTo(',');
  }

  @Test
  void findsTheQuoteFromQuotedDelimiters() {
    Sample single = sample("q.csv", "name,town\n'Smith, J',Paris\n'Doe, A',Rome\n");
    assertThat(sniff(single).quote()).isEqualTo('\'');
    Sample dbl = sample("q.csv", "name,town\n\"O'Brien, J\",Paris\n\"Doe, A\",Rome\n");
    assertThat(sniff(dbl).quote()).isEqualTo('"');
    // no quotes at all: the usual one
    assertThat(sniff(sample("n.csv", "a,b\n1,2\n")).quote()).isEqualTo('"');
  }

  @Test
  void moreFieldsUnderTheOtherQuoteDoNotMakeItTheQuote() {
    // '"' groups "c,d" into the first field as COPY reads it; '\'' only leaves it split in two
    Sample odd = sample("odd.csv", "ab\"c,d\"e,v,1\n");
    DialectSniffer.Sniffed s = sniff(odd);
    assertThat(s.quote()).isEqualTo('"');
    assertThat(s.fields()).isEqualTo(3);
  }

  @Test
  void aQuoteLeftOpenByABadRecordIsStillTheQuote() {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < 100; i++) {
      sb.append(i).append(",ok,ok\n");
    }
    sb.append("100,\"never closed,x\n");
    for (int i = 0; i < 1000; i++) {
      sb.append("\"\"\"\"a,\"\"b\"\",c\n");
    }
    byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
    DialectSniffer.Sniffed s = sniff(new Sample(List.of(new Sample.Chunk("q.csv", b, false)), 1));
    assertThat(s.delimiter()).isEqualTo(',');
    assertThat(s.quote()).isEqualTo('"');
  }

  @Test
  void aRecordThatIsCutOffAtTheEndOfTheSampleIsNotCounted() {
    byte[] b = "a;b\n1;2\n3;4;5;6".getBytes(StandardCharsets.UTF_8);
    Sample cut = new Sample(List.of(new Sample.Chunk("big.csv", b, false)), 1);
    DialectSniffer.Sniffed s = sniff(cut);
    assertThat(s.delimiter()).isEqualTo(';');
    assertThat(s.message()).contains("2 records: 2 fields in every record");
  }

  @Test
  void fallsBackToCommaAndSaysSoWhenTheInputHasOneColumn() {
    DialectSniffer.Sniffed none = sniff(sample("one.csv", "alpha\nbeta\n"));
    assertThat(none.delimiter()).isEqualTo(',');
    assertThat(none.message()).isEqualTo("dialect: delimiter ',', quote '\"' (the default: no"
        + " candidate split every sampled record into the same number of fields, more than one)");
  }

  @Test
  void twoDelimitersThatReadTheInputAlikeAreRefusedNotGuessed() {
    // a guess loaded "x;1,5" as "x;1" and 5
    assertThatThrownBy(() -> sniff(sample("tie.csv", "x;1,5\ny;2,5\n")))
        .isInstanceOf(ImportException.class)
        .hasMessage("the delimiter cannot be told from the input: ',' and ';' both split every"
            + " sampled record into 2 fields (1 file, 2 records); give the delimiter")
        .extracting(e -> ((ImportException) e).kind())
        .isEqualTo(ImportException.Kind.DIALECT_UNKNOWN);
  }

  @Test
  void blankLinesDoNotCountAndRaggedRecordsAreRefusedNotReadAsOneColumn() {
    // a trailing blank line made every candidate fail, and the file loaded as one text column
    DialectSniffer.Sniffed s = sniff(sample("blank.csv", "id;name;city\n1;a;x\n\n2;b;y\n\n"));
    assertThat(s.delimiter()).isEqualTo(';');
    assertThat(s.fields()).isEqualTo(3);
    // most records have 3 fields, but not nine in ten: no reading fits, and none is guessed
    assertThatThrownBy(() -> sniff(sample("ragged.csv", "a;b;c\n1;2;3\n4;5\n6;7;8\n9\n")))
        .isInstanceOf(ImportException.class)
        .hasMessage("the delimiter cannot be told from the input: ';' splits ragged.csv into 3"
            + " fields in only 3 of its 5 sampled records; give the delimiter (and the quote),"
            + " or put the records right");
  }

  @Test
  void theTablesColumnCountWins() {
    Sample s = sample("x.csv", "a;b,c\nd;e,f\n"); // two fields either way: no way to tell
    assertThatThrownBy(() -> DialectSniffer.sniff('\0', '\0', '\0', "", s, 2))
        .isInstanceOf(ImportException.class);
    Sample three = sample("x.csv", "a;b,c;d\ne;f,g;h\n");
    assertThat(DialectSniffer.sniff('\0', '\0', '\0', "", three, 3).delimiter()).isEqualTo(';');
    assertThat(DialectSniffer.sniff('\0', '\0', '\0', "", three, 2).delimiter()).isEqualTo(',');
  }

  @Test
  void aFewBadRowsDoNotMisleadIt() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      sb.append(i).append(';').append(i * 2).append(';').append("x\n");
    }
    sb.append("1;2\n");
    assertThat(sniff(sample("x.csv", sb.toString())).delimiter()).isEqualTo(';');
  }

  @Test
  void givenCharactersAreNeverSecondGuessed() {
    Sample semi = sample("x.csv", "a;b\n1;2\n");
    DialectSniffer.Sniffed both = DialectSniffer.sniff(',', '"', '\0', "", semi, 0);
    assertThat(both.delimiter()).isEqualTo(',');
    assertThat(both.message()).isNull();
    DialectSniffer.Sniffed quoteOnly = DialectSniffer.sniff('\0', '\'', '\0', "", semi, 0);
    assertThat(quoteOnly.delimiter()).isEqualTo(';');
    assertThat(quoteOnly.quote()).isEqualTo('\'');
    DialectSniffer.Sniffed delimiterOnly = DialectSniffer.sniff('|', '\0', '\0', "", semi, 0);
    assertThat(delimiterOnly.delimiter()).isEqualTo('|');
    assertThat(delimiterOnly.message()).contains("the default");
  }

  @Test
  void filesInDifferentDialectsAreRefusedNamingBoth() {
    Sample mixed = sample("a.csv", "x;y;z\n1;2;3\n", "b.csv", "x,y\n1,2\n");
    assertThatThrownBy(() -> sniff(mixed))
        .isInstanceOf(ImportException.class)
        .hasMessage("the files are not in one CSV dialect: a.csv reads as delimiter ';', quote"
            + " '\"' (3 fields), but b.csv as delimiter ',', quote '\"' (2 fields); give the"
            + " dialect, or import them separately");
  }

  @Test
  void anEmptyInputFallsBack() {
    DialectSniffer.Sniffed s = sniff(null);
    assertThat(s.delimiter()).isEqualTo(',');
    assertThat(s.message()).contains("the input is empty");
  }
}

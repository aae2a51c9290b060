package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.importer.Header;
import io.starmap.importer.ImportException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The columns inferred from samples written here: names, types, the header's decision. */
class InferredSchemaTest {
  static final Dialect CSV = new Dialect((byte) ',', (byte) '"', (byte) '"', "", "UTF8");

  static Sample sample(String... namesAndContents) {
    List<Sample.Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < namesAndContents.length; i += 2) {
      chunks.add(new Sample.Chunk(namesAndContents[i],
          namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8), true));
    }
    return new Sample(chunks, chunks.size());
  }

  static InferredSchema infer(Sample s, Dialect d, Header h, Map<String, String> overrides) {
    return InferredSchema.infer(s, d, StandardCharsets.UTF_8, h, overrides);
  }

  @Test
  void theTalksPricesWithoutAHeader() {
    InferredSchema s = infer(sample("p.csv", "000000,2015-07-06,20.95\n000001,2015-07-06,10.96\n"),
        CSV, Header.AUTO, Map.of());
    assertThat(s.header()).isFalse();
    assertThat(s.columnDefinitions())
        .isEqualTo("\"column1\" text, \"column2\" date, \"column3\" numeric");
    assertThat(s.records()).isEqualTo(2);
    assertThat(s.messages()).containsExactly("header: no (the first record of p.csv is data: it"
        + " has \"2015-07-06\", a date)");
  }

  @Test
  void aHeaderOfNamesAboveTypedValuesEveryFileStartingWithOne() {
    String a = "id,price,when,flag,key,note\n1,2.5,2024-01-01 10:00,true,"
        + "123e4567-e89b-12d3-a456-426614174000,x\n";
    String b = "id,price,when,flag,key,note\n3000000000,1e3,2024-01-02T10:00:00Z,f,"
        + "00000000-0000-0000-0000-000000000000,\n";
    InferredSchema s = infer(sample("a.csv", a, "b.csv", b), CSV, Header.AUTO, Map.of());
    assertThat(s.header()).isTrue();
    assertThat(s.columnDefinitions()).isEqualTo("\"id\" bigint, \"price\" double precision,"
        + " \"when\" timestamptz, \"flag\" boolean, \"key\" uuid, \"note\" text");
    assertThat(s.records()).isEqualTo(2);
  }

  @Test
  void nullsAreSkippedAndAColumnOfOnlyNullsIsText() {
    Dialect nulls = new Dialect((byte) ',', (byte) '"', (byte) '"', "NA", "UTF8");
    InferredSchema s = infer(sample("n.csv", "a,b,c\n1,NA,NA\nNA,NA,\n2,NA,3\n"), nulls,
        Header.AUTO, Map.of());
    // an empty field is not NULL under NULL 'NA': it is an empty string, which only text reads
    assertThat(s.types()).containsExactly("integer", "text", "text");
    Dialect empty = new Dialect((byte) ',', (byte) '"', (byte) '"', "", "UTF8");
    assertThat(infer(sample("e.csv", "a,b\n1,\n,2\n"), empty, Header.AUTO, Map.of()).types())
        .containsExactly("integer", "integer");
  }

  @Test
  void aQuotedEmptyFieldIsAnEmptyStringNotNull() {
    // COPY reads "" as an empty string, which no number type takes (found by csv-spectrum)
    assertThat(infer(sample("q.csv", "a,b,c\n1,\"\",\n2,3,4\n"), CSV, Header.AUTO, Map.of())
        .types()).containsExactly("integer", "text", "integer");
  }

  @Test
  void blankAndRepeatedHeaderNamesAreMadeUniqueAndSaidSo() {
    InferredSchema s = infer(sample("h.csv", "a, ,a,b\nx,1,z,w\n"), CSV, Header.AUTO, Map.of());
    assertThat(s.names()).containsExactly("a", "column2", "a_2", "b");
    assertThat(s.messages()).contains("header: field 2 has no name: column \"column2\"",
        "header: field 3 \"a\" is named twice: column \"a_2\"");
  }

  @Test
  void overridesWinAndOneNamingNoColumnIsAnErrorListingThem() {
    Sample p = sample("p.csv", "code,value\nA,1\nB,2\n");
    assertThat(infer(p, CSV, Header.AUTO, Map.of("value", "numeric(12,2)")).types())
        .containsExactly("text", "numeric(12,2)");
    assertThatThrownBy(() -> infer(p, CSV, Header.AUTO, Map.of("price", "numeric")))
        .isInstanceOf(ImportException.class)
        .hasMessage("a type is given for column price, which the input does not have (columns:"
            + " code, value)");
  }

  @Test
  void aHeaderAloneGivesTextColumnsAndSaysSo() {
    InferredSchema s = infer(sample("h.csv", "name,town\n"), CSV, Header.AUTO, Map.of());
    assertThat(s.header()).isTrue();
    assertThat(s.columnDefinitions()).isEqualTo("\"name\" text, \"town\" text");
    assertThat(s.messages()).contains("types: the sample has no data records below the header;"
        + " every column is text");
  }

  @Test
  void anInputWithoutRecordsIsAnError() {
    assertThatThrownBy(() -> infer(null, CSV, Header.AUTO, Map.of()))
        .hasMessage("cannot infer the table's columns: the input is empty");
  }

  @Test
  void theRecordCutOffByTheSampleIsNotTyped() {
    byte[] b = "a,b\n1,2\n3,4.".getBytes(StandardCharsets.UTF_8);
    Sample s = new Sample(List.of(new Sample.Chunk("big.csv", b, false)), 1);
    assertThat(infer(s, CSV, Header.AUTO, Map.of()).types()).containsExactly("integer",
        "integer");
  }
}

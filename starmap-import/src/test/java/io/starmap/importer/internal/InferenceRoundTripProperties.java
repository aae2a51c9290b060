package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.Header;
import io.starmap.importer.internal.TypeInference.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A generated table of typed values, written as CSV with a header in a generated dialect, is
 * read back to its delimiter, its quote and its column types.
 */
class InferenceRoundTripProperties {
  /** The types a generated column has; each generator's values join to exactly its type. */
  static final List<Type> TYPES = List.of(Type.BOOLEAN, Type.INTEGER, Type.BIGINT, Type.NUMERIC,
      Type.DOUBLE, Type.DATE, Type.TIMESTAMP, Type.TIMESTAMPTZ, Type.UUID, Type.TEXT);

  static final java.time.format.DateTimeFormatter SECONDS =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  record Table(char delimiter, List<Type> types, List<List<String>> rows) {}

  @Provide
  Arbitrary<Table> tables() {
    Arbitrary<Character> delimiters = Arbitraries.of(',', ';', '\t', '|');
    Arbitrary<List<Type>> types = Arbitraries.of(TYPES).list().ofMinSize(2).ofMaxSize(7);
    Arbitrary<Long> seeds = Arbitraries.longs();
    Arbitrary<Integer> sizes = Arbitraries.integers().between(1, 40);
    return Combinators.combine(delimiters, types, seeds, sizes).as((d, t, seed, n) ->
        new Table(d, t, rows(t, new java.util.Random(seed), n, d)));
  }

  static List<List<String>> rows(List<Type> types, java.util.Random r, int n, char d) {
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<String> row = new ArrayList<>();
      for (Type t : types) {
        // the first row holds each type's widest kind of value, so the join is the type
        row.add(value(t, r, i == 0, d));
      }
      rows.add(row);
    }
    return rows;
  }

  static String value(Type t, java.util.Random r, boolean widest, char d) {
    return switch (t) {
      case BOOLEAN -> r.nextBoolean() ? "true" : "f";
      case INTEGER -> String.valueOf(r.nextInt());
      case BIGINT -> String.valueOf(widest ? Long.MAX_VALUE - r.nextInt(1000) : r.nextLong());
      case NUMERIC -> new BigDecimal(r.nextLong()).movePointLeft(1 + r.nextInt(6)).toPlainString();
      case DOUBLE -> widest ? "-1.5e-7" : String.valueOf(r.nextDouble() * 1e300);
      case DATE -> LocalDate.ofEpochDay(r.nextInt(50_000)).toString();
      case TIMESTAMP -> LocalDateTime.of(LocalDate.ofEpochDay(r.nextInt(50_000)),
          java.time.LocalTime.ofSecondOfDay(r.nextInt(86_400))).format(SECONDS);
      case TIMESTAMPTZ -> OffsetDateTime.of(LocalDateTime.ofEpochSecond(r.nextInt(2_000_000_000),
          r.nextInt(1_000_000) * 1000, ZoneOffset.UTC), ZoneOffset.ofHours(r.nextInt(25) - 12))
          .toString();
      case UUID -> new UUID(r.nextLong(), r.nextLong()).toString();
      default -> text(r, d);
    };
  }

  /** Text that no other type reads: letters, spaces, the delimiter and quotes. */
  static String text(java.util.Random r, char d) {
    String alphabet = "abcxyz " + d + "\"";
    StringBuilder sb = new StringBuilder("w");
    for (int i = r.nextInt(12); i > 0; i--) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static byte[] csv(Table t) {
    StringBuilder sb = new StringBuilder();
    List<List<String>> all = new ArrayList<>();
    List<String> header = new ArrayList<>();
    for (int i = 0; i < t.types().size(); i++) {
      header.add("col" + (char) ('a' + i));
    }
    all.add(header);
    all.addAll(t.rows());
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        String v = row.get(i);
        boolean quote = v.indexOf(t.delimiter()) >= 0 || v.indexOf('"') >= 0;
        sb.append(i > 0 ? String.valueOf(t.delimiter()) : "")
            .append(quote ? "\"" + v.replace("\"", "\"\"") + "\"" : v);
      }
      sb.append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Property(tries = 300)
  void aWrittenTableIsReadBackToItsDialectAndTypes(@ForAll("tables") Table t) {
    Sample s = new Sample(List.of(new Sample.Chunk("gen.csv", csv(t), true)), 1);
    DialectSniffer.Sniffed sniffed = DialectSniffer.sniff('\0', '\0', '\0', "", s, 0);
    assertThat(sniffed.delimiter()).as(sniffed.message()).isEqualTo(t.delimiter());
    assertThat(sniffed.quote()).isEqualTo('"');
    Dialect d = new Dialect((byte) sniffed.delimiter(), (byte) '"', (byte) '"', "", "UTF8");
    InferredSchema schema = InferredSchema.infer(s, d, StandardCharsets.UTF_8, Header.AUTO,
        Map.of());
    assertThat(schema.header()).isTrue();
    assertThat(schema.inferred()).isEqualTo(t.types());
    assertThat(schema.records()).isEqualTo(t.rows().size());
  }
}

package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The client-side binary encoder: the same bytes however the input is cut into buffers, and
 * values equal to what the server's text input functions make of the same text (the server-side
 * comparison is in {@code BinaryCopyIT}).
 */
class BinaryRowsTest {
  private static final Dialect CSV = new Dialect((byte) ',', (byte) '"', (byte) '"', "", "UTF8");

  /** Encodes {@code csv} the way BinaryCopy does, reading at most {@code chunk} bytes a time. */
  private static Encoded encode(List<String> types, Dialect d, byte[] csv, int chunk,
      int bufSize) throws BinaryRows.Unsupported {
    PgBinaryWriter.Out out = new PgBinaryWriter.Out();
    BinaryRows rows = new BinaryRows(types, d, out);
    byte[] buf = new byte[bufSize];
    java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
    int read = 0;
    int end = 0;
    int pos = 0;
    while (true) {
      while (pos < end) {
        int next = rows.feed(buf, pos, end, 64);
        boolean full = out.n >= 64;
        if (full) {
          sent.write(out.buf, 0, out.n);
          out.n = 0;
        }
        pos = next;
        if (!full) {
          break;
        }
      }
      int tail = end - pos;
      if (tail >= buf.length - 1) {
        throw new BinaryRows.Unsupported("record longer than the buffer");
      }
      System.arraycopy(buf, pos, buf, 0, tail);
      int n = Math.min(chunk, Math.min(buf.length - tail, csv.length - read));
      if (n <= 0) {
        rows.finish(buf, 0, tail);
        break;
      }
      System.arraycopy(csv, read, buf, tail, n);
      read += n;
      pos = 0;
      end = tail + n;
    }
    sent.write(out.buf, 0, out.n);
    return new Encoded(sent.toByteArray(), rows.records());
  }

  private record Encoded(byte[] bytes, long records) {
    /** The tuples as lists of field values (null for SQL NULL). */
    List<List<byte[]>> tuples() {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      List<List<byte[]>> out = new ArrayList<>();
      while (b.hasRemaining()) {
        int n = b.getShort();
        List<byte[]> t = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int len = b.getInt();
          if (len < 0) {
            t.add(null);
          } else {
            byte[] v = new byte[len];
            b.get(v);
            t.add(v);
          }
        }
        out.add(t);
      }
      return out;
    }
  }

  private static Encoded whole(List<String> types, String csv) throws BinaryRows.Unsupported {
    byte[] b = csv.getBytes(StandardCharsets.UTF_8);
    return encode(types, CSV, b, b.length + 1, b.length + 2);
  }

  @Test
  void theSameBytesHoweverTheInputIsCut() throws Exception {
    Random rnd = new Random(11);
    StringBuilder sb = new StringBuilder();
    String[] texts = {"plain", "\"with, comma\"", "\"multi\nline\"", "\"say \"\"hi\"\"\"", "",
        "\"\"", "été ✓", "\"\r\n\""};
    for (int k = 0; k < 2000; k++) {
      sb.append(texts[rnd.nextInt(texts.length)]).append(',')
          .append(rnd.nextInt()).append(',')
          .append(rnd.nextGaussian() * 1e4).append(',')
          .append(LocalDate.ofEpochDay(rnd.nextInt(40000))).append(',')
          .append(rnd.nextInt(1000) / 100.0).append(rnd.nextBoolean() ? "\n" : "\r\n");
    }
    List<String> types = List.of("text", "integer", "double precision", "date", "numeric");
    byte[] csv = sb.toString().getBytes(StandardCharsets.UTF_8);
    Encoded reference = encode(types, CSV, csv, csv.length + 1, csv.length + 2);
    assertThat(reference.records()).isEqualTo(2000);
    for (int chunk : new int[] {1, 2, 3, 7, 64, 1000, 4096}) {
      Encoded cut = encode(types, CSV, csv, chunk, 256);
      assertThat(cut.records()).as("chunk %d", chunk).isEqualTo(2000);
      assertThat(cut.bytes()).as("chunk %d", chunk).isEqualTo(reference.bytes());
    }
  }

  @Test
  void skippedFieldsAreReadPastNotEncodedHoweverTheInputIsCut() throws Exception {
    String csv = "\"x,\"\"y\nz\",1,a,\n,2,\"b\",skip\r\n";
    List<String> types = java.util.Arrays.asList(null, "integer", "text", null);
    byte[] b = csv.getBytes(StandardCharsets.UTF_8);
    Encoded reference = encode(types, CSV, b, b.length + 1, b.length + 2);
    List<List<byte[]>> t = reference.tuples();
    assertThat(t).hasSize(2);
    assertThat(t.get(0)).hasSize(2);
    assertThat(ByteBuffer.wrap(t.get(0).get(0)).getInt()).isEqualTo(1);
    assertThat(new String(t.get(0).get(1), StandardCharsets.UTF_8)).isEqualTo("a");
    assertThat(ByteBuffer.wrap(t.get(1).get(0)).getInt()).isEqualTo(2);
    for (int chunk : new int[] {1, 2, 5, 13}) {
      assertThat(encode(types, CSV, b, chunk, 64).bytes()).isEqualTo(reference.bytes());
    }
    assertThatThrownBy(() -> whole(types, "s,1,a\n")).hasMessage("fewer fields than columns");
  }

  @Test
  void aLastRecordWithoutNewlineCounts() throws Exception {
    Encoded e = whole(List.of("text", "integer"), "a,1\nb,2");
    assertThat(e.records()).isEqualTo(2);
    assertThat(e.tuples()).hasSize(2);
    assertThat(new String(e.tuples().get(1).get(0), StandardCharsets.UTF_8)).isEqualTo("b");
  }

  @Test
  void quotedEmptyIsTextAndUnquotedEmptyIsNull() throws Exception {
    List<List<byte[]>> t = whole(List.of("text", "text"), "\"\",\n").tuples();
    assertThat(t.get(0).get(0)).isEmpty();
    assertThat(t.get(0).get(1)).isNull();
  }

  @Test
  void anotherEscapeUnescapesQuotesAndItself() throws Exception {
    Dialect d = new Dialect((byte) ';', (byte) '\'', (byte) '\\', "NULL", "UTF8");
    byte[] csv = "'a\\'b\\\\c\\d';NULL;'NULL'\n".getBytes(StandardCharsets.UTF_8);
    List<List<byte[]>> t = encode(List.of("text", "text", "text"), d, csv, 1000, 1000).tuples();
    assertThat(new String(t.get(0).get(0), StandardCharsets.UTF_8)).isEqualTo("a'b\\c\\d");
    assertThat(t.get(0).get(1)).isNull();
    assertThat(new String(t.get(0).get(2), StandardCharsets.UTF_8)).isEqualTo("NULL");
  }

  private static double float8(String s) throws BinaryRows.Unsupported {
    return ByteBuffer.wrap(whole(List.of("double precision"), s + "\n").tuples().get(0).get(0))
        .getDouble();
  }

  private static float float4(String s) throws BinaryRows.Unsupported {
    return ByteBuffer.wrap(whole(List.of("real"), s + "\n").tuples().get(0).get(0)).getFloat();
  }

  @Test
  void doublesAreCorrectlyRoundedLikeStrtod() throws Exception {
    Random rnd = new Random(5);
    List<String> inputs = new ArrayList<>(List.of("0", "-0", "0.0", "1", "-1.5", "123.45",
        ".5", "5.", "+7", "1e5", "1E-5", "2.5e+3", "9007199254740993", "0.1", "0.3",
        "123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324",
        "2.2250738585072014e-308", "0.000000000000000000000000000001", "00012.5000"));
    for (int i = 0; i < 20000; i++) {
      double v = Double.longBitsToDouble(rnd.nextLong());
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        continue;
      }
      inputs.add(Double.toString(v));
      inputs.add(String.format(Locale.ROOT, "%.2f", rnd.nextDouble() * 1000));
      inputs.add(String.format(Locale.ROOT, "%.17g", rnd.nextGaussian()));
      inputs.add(Long.toString(rnd.nextLong() >> rnd.nextInt(64)));
    }
    // one encoding of all the inputs as rows: one per input took 10 s of the unit tests
    List<List<byte[]>> rows = whole(List.of("double precision"),
        String.join("\n", inputs) + "\n").tuples();
    assertThat(rows).hasSize(inputs.size());
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      String s = inputs.get(i);
      if (Double.doubleToRawLongBits(ByteBuffer.wrap(rows.get(i).get(0)).getDouble())
          != Double.doubleToRawLongBits(Double.parseDouble(s))) {
        wrong.add(s);
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(float8("0.1")).isEqualTo(0.1); // and the one-row helper agrees
  }

  @Test
  void floatsAreRoundedOnceToFloat() throws Exception {
    Random rnd = new Random(6);
    List<String> inputs = new ArrayList<>(List.of("0.1", "-0", "3.4028235e38", "1.4e-45",
        "16777217", "1.00000017881393432617187499"));
    for (int i = 0; i < 20000; i++) {
      inputs.add(Float.toString(Float.intBitsToFloat(rnd.nextInt() & 0x7f7fffff)));
      inputs.add(String.format(Locale.ROOT, "%.3f", rnd.nextDouble() * 100));
    }
    List<List<byte[]>> rows = whole(List.of("real"), String.join("\n", inputs) + "\n").tuples();
    assertThat(rows).hasSize(inputs.size());
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      String s = inputs.get(i);
      if (Float.floatToRawIntBits(ByteBuffer.wrap(rows.get(i).get(0)).getFloat())
          != Float.floatToRawIntBits(Float.parseFloat(s))) {
        wrong.add(s);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void outOfRangeAndUnusualNumbersAreLeftToTheServer() {
    for (String s : new String[] {"1e400", "-1e400", "1e-400", "NaN", "Infinity", "1.5d", "0x10",
        " 1", "1 ", "1e", "-", ".", "1_000"}) {
      assertThatThrownBy(() -> float8(s)).as(s).isInstanceOf(BinaryRows.Unsupported.class);
    }
    assertThatThrownBy(() -> float4("1e39")).isInstanceOf(BinaryRows.Unsupported.class);
    assertThatThrownBy(() -> float4("1e-50")).isInstanceOf(BinaryRows.Unsupported.class);
  }

  @Test
  void zeroWithAHugeExponentIsZero() throws Exception {
    assertThat(float8("0e999")).isEqualTo(0.0);
  }

  @Test
  void datesAreDaysSince2000() throws Exception {
    Random rnd = new Random(3);
    List<LocalDate> dates = new ArrayList<>();
    StringBuilder csv = new StringBuilder();
    for (int i = 0; i < 20000; i++) {
      LocalDate d = LocalDate.of(1 + rnd.nextInt(9999), 1, 1).plusDays(rnd.nextInt(366));
      if (d.getYear() <= 9999) {
        dates.add(d);
        csv.append(String.format(Locale.ROOT, "%04d-%02d-%02d%n", d.getYear(),
            d.getMonthValue(), d.getDayOfMonth()));
      }
    }
    List<List<byte[]>> rows = whole(List.of("date"), csv.toString()).tuples();
    assertThat(rows).hasSize(dates.size());
    long y2000 = LocalDate.of(2000, 1, 1).toEpochDay();
    for (int i = 0; i < dates.size(); i++) {
      int days = ByteBuffer.wrap(rows.get(i).get(0)).getInt();
      if (days != dates.get(i).toEpochDay() - y2000) {
        assertThat(days).as(dates.get(i).toString()).isEqualTo(dates.get(i).toEpochDay() - y2000);
      }
    }
    for (String bad : new String[] {"2023-02-29", "2024-13-01", "2024-04-31", "0000-01-01",
        "2024-1-01", "20240101"}) {
      assertThatThrownBy(() -> whole(List.of("date"), bad + "\n")).as(bad)
          .isInstanceOf(BinaryRows.Unsupported.class);
    }
  }

  @Test
  void aRepeatedDateIsTheLastOneButOneByteMoreOrLessIsAnother() throws Exception {
    // the encoder keeps the last date: a run, a change in the first eight bytes only, in the
    // last two only, a return to an earlier one, and bad dates right after a good one
    String[] seq = {"2015-07-06", "2015-07-06", "2015-07-06", "2016-07-06", "2016-07-16",
        "2016-07-16", "2015-07-06", "0001-01-01", "0001-01-01", "9999-12-31"};
    List<List<byte[]>> rows = whole(List.of("date"), String.join("\n", seq) + "\n").tuples();
    long y2000 = LocalDate.of(2000, 1, 1).toEpochDay();
    for (int i = 0; i < seq.length; i++) {
      assertThat(ByteBuffer.wrap(rows.get(i).get(0)).getInt()).as(seq[i])
          .isEqualTo(LocalDate.parse(seq[i]).toEpochDay() - y2000);
    }
    for (String bad : new String[] {"2015-07-0x", "2015-07-60", "x015-07-06", "2015-07-06 "}) {
      assertThatThrownBy(() -> whole(List.of("date"), "2015-07-06\n" + bad + "\n")).as(bad)
          .isInstanceOf(BinaryRows.Unsupported.class);
    }
  }

  /** Decodes PostgreSQL's binary numeric. */
  private static BigDecimal numeric(byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    int ndigits = b.getShort();
    int weight = b.getShort();
    int sign = b.getShort() & 0xffff;
    int dscale = b.getShort();
    BigInteger unscaled = BigInteger.ZERO;
    for (int i = 0; i < ndigits; i++) {
      unscaled = unscaled.multiply(BigInteger.valueOf(10000)).add(BigInteger.valueOf(
          b.getShort()));
    }
    BigDecimal x = new BigDecimal(unscaled).scaleByPowerOfTen(4 * (weight - ndigits + 1));
    if (sign == 0x4000) {
      x = x.negate();
    }
    return x.setScale(dscale, java.math.RoundingMode.UNNECESSARY);
  }

  @Test
  void numericsKeepTheirDigitsAndScale() throws Exception {
    Random rnd = new Random(9);
    List<String> inputs = new ArrayList<>(List.of("0", "-0", "0.00", "1", "-1.5", "10000",
        "0.0001", "12345678.9", "-99999.995", "100000000", ".5", "5.", "+3.25"));
    for (int i = 0; i < 5000; i++) {
      inputs.add(new BigDecimal(new BigInteger(1 + rnd.nextInt(60), rnd), rnd.nextInt(20))
          .multiply(rnd.nextBoolean() ? BigDecimal.ONE : BigDecimal.ONE.negate()).toPlainString());
    }
    for (String s : inputs) {
      byte[] v = whole(List.of("numeric"), s + "\n").tuples().get(0).get(0);
      BigDecimal expected = new BigDecimal(s.endsWith(".") ? s + "0" : s);
      int scale = s.contains(".") ? s.length() - s.indexOf('.') - 1 : 0;
      assertThat(numeric(v)).as(s).isEqualTo(expected.setScale(scale));
    }
  }

  @Test
  void rowsForATableWithoutColumnsAreLeftToTheServer() throws Exception {
    PgBinaryWriter.Out out = new PgBinaryWriter.Out();
    BinaryRows rows = new BinaryRows(List.of(), CSV, out);
    byte[] b = "x\n".getBytes(StandardCharsets.UTF_8);

    assertThat(rows.feed(b, 0, 0, Integer.MAX_VALUE)).isZero(); // no input, nothing to say
    assertThatThrownBy(() -> rows.feed(b, 0, b.length, Integer.MAX_VALUE))
        .isInstanceOf(BinaryRows.Unsupported.class).hasMessage("a table without columns");
    assertThat(out.n).isZero();
  }

  @Test
  void malformedRecordsAreLeftToTheServer() {
    List<String> two = List.of("text", "text");
    for (String bad : new String[] {"a\n", "a,b,c\n", "a\"b,c\n", "\"a\"b,c\n", "a,b\rc\n",
        "\"open,b\n"}) {
      assertThatThrownBy(() -> whole(two, bad)).as(bad)
          .isInstanceOf(BinaryRows.Unsupported.class);
    }
  }

  /** The field of one row encoded as {@code type}, followed by another field or alone. */
  private static byte[] encodedOrNull(String type, String value, boolean followed) {
    try {
      return followed
          ? whole(List.of(type, "text"), value + ",and a field after it\n").tuples().get(0).get(0)
          : whole(List.of(type), value + "\n").tuples().get(0).get(0);
    } catch (BinaryRows.Unsupported e) {
      return null;
    }
  }

  @Test
  void shortNumbersReadAWordAtATimeAsTheServerReadsThem() {
    // up to 9 characters: the one-word path (8 bytes readable) and the byte loop, mid-buffer and
    // at its very end, on numbers and on near misses (two dots, signs inside, '/' and ':')
    Random rnd = new Random(8);
    String alphabet = "0123456789012345678901234567890123456789..-+e/:";
    int plainDoubles = 0;
    for (int i = 0; i < 2_500; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = 1 + rnd.nextInt(9); n > 0; n--) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String v = b.toString();
      boolean plainDouble = v.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)");
      boolean plainLong = v.matches("[+-]?[0-9]+");
      for (boolean followed : new boolean[] {true, false}) {
        byte[] d = encodedOrNull("double precision", v, followed);
        if (plainDouble) {
          plainDoubles++;
          assertThat(d).as(v).isNotNull();
        }
        if (d != null) {
          assertThat(ByteBuffer.wrap(d).getDouble()).as(v).isEqualTo(Double.parseDouble(v));
        }
        byte[] l = encodedOrNull("bigint", v, followed);
        assertThat(l != null).as(v).isEqualTo(plainLong);
        if (l != null) {
          assertThat(ByteBuffer.wrap(l).getLong()).as(v).isEqualTo(Long.parseLong(v));
        }
      }
    }
    assertThat(plainDoubles).isGreaterThan(600);
  }

  @Test
  void integersAndBooleans() throws Exception {
    List<List<byte[]>> t = whole(List.of("smallint", "integer", "bigint", "boolean"),
        "-32768,2147483647,-123456789012345678,TRUE\n7,+0,0,off\n").tuples();
    assertThat(ByteBuffer.wrap(t.get(0).get(0)).getShort()).isEqualTo((short) -32768);
    assertThat(ByteBuffer.wrap(t.get(0).get(1)).getInt()).isEqualTo(Integer.MAX_VALUE);
    assertThat(ByteBuffer.wrap(t.get(0).get(2)).getLong()).isEqualTo(-123456789012345678L);
    assertThat(t.get(0).get(3)).isEqualTo(new byte[] {1});
    assertThat(t.get(1).get(3)).isEqualTo(new byte[] {0});
    assertThatThrownBy(() -> whole(List.of("smallint"), "32768\n"))
        .isInstanceOf(BinaryRows.Unsupported.class);
    List<List<byte[]>> big = whole(List.of("bigint", "bigint"),
        "-9223372036854775808,9223372036854775807\n").tuples();
    assertThat(ByteBuffer.wrap(big.get(0).get(0)).getLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(ByteBuffer.wrap(big.get(0).get(1)).getLong()).isEqualTo(Long.MAX_VALUE);
    for (String bad : new String[] {"9223372036854775808", "-9223372036854775809",
        "99999999999999999999", "1_000", " 1"}) {
      assertThatThrownBy(() -> whole(List.of("bigint"), bad + "\n")).as(bad)
          .isInstanceOf(BinaryRows.Unsupported.class);
    }
  }

  @Test
  void fieldEndsAreFoundAtEveryPositionOfAWord() throws Exception {
    // after bytes above every separator and after bytes below the highest one (space, '!',
    // '+', a control character), which the word-at-a-time search must look past
    for (String filler : new String[] {"x", " ", "!", "+", "\u0001", "a b", "é"}) {
      for (int k = 0; k < 20; k++) {
        String v = filler.repeat(k);
        List<List<byte[]>> t = whole(List.of("text", "text"), v + "," + v + "y\r\n" + v + ",z")
            .tuples();
        assertThat(t).hasSize(2);
        byte[] first = t.get(0).get(0);
        assertThat(first == null ? "" : new String(first, StandardCharsets.UTF_8)).isEqualTo(v);
        assertThat(new String(t.get(0).get(1), StandardCharsets.UTF_8)).isEqualTo(v + "y");
        assertThat(new String(t.get(1).get(1), StandardCharsets.UTF_8)).isEqualTo("z");
        String quoteInside = v + "\"" + v + ",a\n";
        assertThatThrownBy(() -> whole(List.of("text", "text"), quoteInside)).as(quoteInside)
            .isInstanceOf(BinaryRows.Unsupported.class);
      }
    }
  }

  @Test
  void randomFieldsOfBytesBelowTheSeparatorsReadBackAsWritten() throws Exception {
    Random rnd = new Random(12);
    String alphabet = " !#$%&'()*+\u0001\u001fx9é";
    for (Dialect d : new Dialect[] {CSV,
        new Dialect((byte) '\t', (byte) '"', (byte) '"', "", "UTF8")}) {
      String sep = d.delimiter() == ',' ? "," : "\t";
      List<String> fields = new ArrayList<>();
      StringBuilder csv = new StringBuilder();
      for (int row = 0; row < 3000; row++) {
        for (int col = 0; col < 2; col++) {
          StringBuilder f = new StringBuilder("v"); // not empty: empty is NULL
          for (int n = rnd.nextInt(20); n > 0; n--) {
            f.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
          }
          fields.add(f.toString());
          csv.append(f).append(col == 0 ? sep : rnd.nextBoolean() ? "\n" : "\r\n");
        }
      }
      byte[] b = csv.toString().getBytes(StandardCharsets.UTF_8);
      List<String> read = new ArrayList<>();
      for (List<byte[]> t : encode(List.of("text", "text"), d, b, b.length + 1, b.length + 2)
          .tuples()) {
        for (byte[] f : t) {
          read.add(new String(f, StandardCharsets.UTF_8));
        }
      }
      assertThat(read).as("delimiter %s", sep).isEqualTo(fields);
    }
  }
}

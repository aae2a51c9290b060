package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import io.starmap.core.OperationStats;
import io.starmap.core.Recorder;
import io.starmap.core.TaskMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Binary COPY loads exactly what CSV text COPY loads, and falls back to text when it must. */
@Timeout(300)
class BinaryCopyIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static PgTarget DB;
  static final String COLS = "t text, v varchar(12), i int, s smallint, b bigint, r real,"
      + " d double precision, ok boolean, day date, ts timestamp, n numeric(12,2), n2 numeric";

  @TempDir Path dir;

  @BeforeAll
  static void database() {
    DB = PgTarget.of(PG.database());
  }

  private final List<OperationStats> operations = new CopyOnWriteArrayList<>();

  private ImportReport load(String table, Path f, CopyFormat format) {
    operations.clear();
    Recorder recorder = new Recorder() {
      @Override
      public void taskCompleted(TaskMetrics metrics, List<OperationStats> ops) {
        operations.addAll(ops);
      }
    };
    return Importer.run(DB, ImportOptions.builder(table).path(f.toString()).create(COLS)
        .header(Header.NO).copyFormat(format).workers(2).recorder(recorder).build(),
        ImportListener.none());
  }

  /** The count of a counted event in the last load. */
  private long counted(String event) {
    return operations.stream().filter(o -> o.operation().equals(event))
        .mapToLong(OperationStats::count).sum();
  }

  private static void sameRows(String a, String b) {
    assertThat(TestPg.count(DB, "SELECT count(*) FROM (SELECT * FROM " + a + " EXCEPT ALL"
        + " SELECT * FROM " + b + ") x")).isZero();
    assertThat(TestPg.count(DB, "SELECT count(*) FROM (SELECT * FROM " + b + " EXCEPT ALL"
        + " SELECT * FROM " + a + ") x")).isZero();
  }

  @Test
  void binaryLoadsWhatTextLoads() throws IOException {
    Random rnd = new Random(7);
    StringBuilder sb = new StringBuilder();
    String[] texts = {"plain", "\"with, comma\"", "\"multi\nline\"", "\"say \"\"hi\"\"\"", "",
        "\"\"", "été ✓"};
    String[] nums = {"0", "-0.5", "12345678.9", "0.0001", "100000000", "-99999.995", "7",
        "0.00", "10000", "1.0001"};
    for (int k = 0; k < 3000; k++) {
      sb.append(texts[rnd.nextInt(texts.length)]).append(',')
          .append(rnd.nextInt(5) == 0 ? "" : "v" + rnd.nextInt(1000)).append(',')
          .append(rnd.nextInt() / 3).append(',')
          .append(rnd.nextInt(65536) - 32768).append(',')
          .append(rnd.nextLong() / 7).append(',')
          .append(rnd.nextFloat() * 1000).append(',')
          .append(rnd.nextGaussian() * 1e6).append(',')
          .append(rnd.nextBoolean() ? "t" : "false").append(',')
          .append(String.format("%04d-%02d-%02d", 1900 + rnd.nextInt(200), 1 + rnd.nextInt(12),
              1 + rnd.nextInt(28))).append(',')
          .append(String.format("2024-03-%02d %02d:%02d:%02d%s", 1 + rnd.nextInt(28),
              rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60),
              rnd.nextBoolean() ? "." + rnd.nextInt(1000) : "")).append(',')
          .append(nums[rnd.nextInt(nums.length)]).append(',')
          .append(rnd.nextInt(4) == 0 ? "" : nums[rnd.nextInt(nums.length)]).append('\n');
    }
    Path f = dir.resolve("types.csv");
    Files.writeString(f, sb.toString());
    ImportReport text = load("as_text", f, CopyFormat.TEXT);
    ImportReport binary = load("as_binary", f, CopyFormat.BINARY);
    assertThat(counted("rows sent as binary")).isEqualTo(3000);
    assertThat(counted("binary fallback")).isZero();
    assertThat(binary.rowsLoaded()).isEqualTo(text.rowsLoaded()).isEqualTo(3000);
    sameRows("as_text", "as_binary");
    assertThat(TestPg.count(DB, "SELECT count(*) FROM as_binary WHERE n2 IS NULL"))
        .isPositive();
  }

  @Test
  void inputTheClientParserDoesNotTakeLoadsAsText() throws IOException {
    Path f = dir.resolve("odd.csv");
    // a quote in the middle of an unquoted field, a date in another style, an exponent
    Files.writeString(f, "ab\"c,d\"e,v,1,1,1,1,1,t,20240102,2024-01-01 00:00:00,1e2,2\n");
    load("odd_text", f, CopyFormat.TEXT);
    load("odd_binary", f, CopyFormat.BINARY);
    assertThat(counted("binary fallback")).isEqualTo(1);
    sameRows("odd_text", "odd_binary");
    assertThat(TestPg.text(DB, "SELECT t || '|' || n FROM odd_binary")).isEqualTo("abc,de|100.00");
  }

  @Test
  void badRowsReportTheSameInBothFormats() throws IOException {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, "a,b,1,1,1,1,1,t,2024-01-01,2024-01-01 00:00:00,1,2\n"
        + "a,b,1,1,1,1,1,t,2024-02-30,2024-01-01 00:00:00,1,2\n");
    assertThatThrownBy(() -> load("bad_binary", f, CopyFormat.BINARY))
        .isInstanceOf(BadInputException.class)
        .hasMessage(f + ":2: date/time field value out of range: \"2024-02-30\" (column day)");
  }

  @Test
  void afterThreeFallbacksTheOtherTasksOfTheRunStartAsText() throws IOException {
    // ten files of ~640 KB, one task each (tasks of at most 1 MB), each ending with a date the
    // encoder leaves to the server: three tasks try binary and fall back, the seven others go
    // straight to text
    Path d = Files.createDirectories(dir.resolve("odd-dates"));
    for (int k = 0; k < 10; k++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 40_000; i++) {
        sb.append("2024-01-02,").append(i).append('\n');
      }
      sb.append("20240103,").append(k).append('\n');
      Files.writeString(d.resolve("f" + k + ".csv"), sb.toString());
    }
    operations.clear();
    Recorder recorder = new Recorder() {
      @Override
      public void taskCompleted(TaskMetrics metrics, List<OperationStats> ops) {
        operations.addAll(ops);
      }
    };
    ImportReport r = Importer.run(DB, ImportOptions.builder("odd_dates").path(d.toString())
        .create("day date, n int").header(Header.NO).workers(1).taskSizeMb(1).recorder(recorder)
        .build(),
        ImportListener.none());
    assertThat(r.tasks()).isEqualTo(10);
    assertThat(r.rowsLoaded()).isEqualTo(10 * 40_001);
    assertThat(counted("binary fallback")).isEqualTo(3);
    assertThat(TestPg.count(DB, "SELECT count(*) FROM odd_dates WHERE day = '2024-01-03'"))
        .isEqualTo(10);
  }

  @Test
  void aWorkersLaterTasksLoadRightInTheArraysItsFirstTaskFilled() throws IOException {
    // One worker and tasks of at most 1 MB: a file of long rows fills the task's arrays (the
    // read buffer and the binary output), which the worker's later tasks, of short rows, take
    // again with those bytes still in them; among them a file without a final line end and one
    // that starts with a byte order mark. Checked against sums made here, not another load.
    Path d = Files.createDirectories(dir.resolve("long-then-short"));
    long[] expected = new long[3]; // rows, text length, sum of n
    StringBuilder big = new StringBuilder();
    for (int i = 0; big.length() < 900_000; i++) {
      row(big, "x".repeat(400 + i % 200) + i, i, expected);
    }
    Files.writeString(d.resolve("a-long.csv"), big.toString());
    for (int f = 0; f < 12; f++) {
      StringBuilder sb = new StringBuilder(f == 11 ? "\uFEFF" : "");
      for (int i = 0; i < 20_000; i++) {
        row(sb, f % 2 == 0 ? "s" + f : "q," + f, i - 7, expected);
      }
      if (f == 10) {
        sb.setLength(sb.length() - 1); // no line end after the last record
      }
      Files.writeString(d.resolve("b-short-" + f + ".csv"), sb.toString());
    }
    for (CopyFormat format : CopyFormat.values()) {
      String table = "long_then_short_" + format.name().toLowerCase(java.util.Locale.ROOT);
      operations.clear();
      Recorder recorder = new Recorder() {
        @Override
        public void taskCompleted(TaskMetrics metrics, List<OperationStats> ops) {
          operations.addAll(ops);
        }
      };
      ImportReport r = Importer.run(DB, ImportOptions.builder(table).path(d.toString())
          .create("t text, n int").header(Header.NO).workers(1).taskSizeMb(1)
          .copyFormat(format).recorder(recorder).build(), ImportListener.none());
      assertThat(r.tasks()).as(format.name()).isGreaterThanOrEqualTo(3);
      assertThat(r.rowsLoaded()).as(format.name()).isEqualTo(expected[0]);
      assertThat(counted("rows sent as binary")).as(format.name())
          .isEqualTo(format == CopyFormat.BINARY ? expected[0] : 0);
      assertThat(counted("binary fallback")).as(format.name()).isZero();
      assertThat(TestPg.text(DB, "SELECT count(*) || ' ' || sum(length(t)) || ' ' || sum(n)"
          + " FROM " + table)).as(format.name())
          .isEqualTo(expected[0] + " " + expected[1] + " " + expected[2]);
    }
  }

  /** Appends a CSV row of a text (quoted when it holds a comma) and a number, and counts it. */
  private static void row(StringBuilder sb, String text, int n, long[] expected) {
    sb.append(text.contains(",") ? "\"" + text + "\"" : text).append(',').append(n).append('\n');
    expected[0]++;
    expected[1] += text.length();
    expected[2] += n;
  }
}

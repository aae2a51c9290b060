package io.starmap.importer.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PriceGeneratorTest {
  private static final Pattern ROW = Pattern.compile("\\d{6},\\d{4}-\\d{2}-\\d{2},\\d{1,2}\\.\\d{2}");

  @TempDir Path tmp;

  @Test
  void sameSeedAndOptionsGiveTheSameBytes() {
    PriceGenerator g = PriceGenerator.builder().days(7).securities(300).seed(7).build();
    g.writeTo(tmp.resolve("a"));
    PriceGenerator.builder().days(7).securities(300).seed(7).executor("no").build()
        .writeTo(tmp.resolve("b"));
    PriceGenerator.builder().days(7).securities(300).seed(8).build().writeTo(tmp.resolve("c"));

    assertThat(digest(tmp.resolve("a"))).isEqualTo(digest(tmp.resolve("b")));
    assertThat(digest(tmp.resolve("a"))).isNotEqualTo(digest(tmp.resolve("c")));
  }

  @Test
  void theDefaultsAreTheTalksDataSetShape() {
    PriceGenerator g = PriceGenerator.builder().build();
    assertThat(g.rows()).isEqualTo(5_220_000L);
    assertThat(g.fileCount()).isEqualTo(522);
    List<LocalDate> days = g.businessDays();
    assertThat(days.get(0)).isEqualTo(LocalDate.of(2015, 7, 6));
    assertThat(days).noneMatch(d -> d.getDayOfWeek() == DayOfWeek.SATURDAY
        || d.getDayOfWeek() == DayOfWeek.SUNDAY);
    assertThat(days.get(521)).isEqualTo(LocalDate.of(2017, 7, 4));
    assertThat(g.key()).isEqualTo("d522-s10000-seed42-k1");
    assertThat(PriceGenerator.builder().filesPerDay(100).build().fileCount()).isEqualTo(52_200);
    assertThat(PriceGenerator.builder().singleFile(true).build().fileCount()).isEqualTo(1);
  }

  @Test
  void writesOneFilePerBusinessDayWithWellFormedRows() throws IOException {
    var report = PriceGenerator.builder().days(6).securities(250).seed(1).build()
        .writeTo(tmp);

    assertThat(report.files()).isEqualTo(6);
    assertThat(report.rows()).isEqualTo(1500);
    List<Path> files = list(tmp);
    assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
        "prices-2015-07-06.csv", "prices-2015-07-07.csv", "prices-2015-07-08.csv",
        "prices-2015-07-09.csv", "prices-2015-07-10.csv", "prices-2015-07-13.csv");
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
      List<String> lines = Files.readAllLines(f, StandardCharsets.US_ASCII);
      assertThat(lines).hasSize(250).allMatch(l -> ROW.matcher(l).matches());
      assertThat(lines.get(0)).startsWith("000000,");
      assertThat(lines.get(249)).startsWith("000249,");
      String date = f.getFileName().toString().substring(7, 17);
      assertThat(lines).allMatch(l -> l.substring(7, 17).equals(date));
      assertThat(Files.readString(f)).endsWith("\n").doesNotContain("\r");
    }
    assertThat(report.bytes()).isEqualTo(bytes);
  }

  @Test
  void everyLayoutHoldsTheSameRowsInTheSameOrder() {
    var perDay = PriceGenerator.builder().days(4).securities(101).seed(3).build();
    perDay.writeTo(tmp.resolve("k1"));
    var split = PriceGenerator.builder().days(4).securities(101).seed(3).filesPerDay(10).build();
    var r = split.writeTo(tmp.resolve("k10"));
    PriceGenerator.builder().days(4).securities(101).seed(3).singleFile(true).build()
        .writeTo(tmp.resolve("one"));

    assertThat(r.files()).isEqualTo(40);
    assertThat(r.rows()).isEqualTo(404);
    assertThat(list(tmp.resolve("k10")).get(0).getFileName().toString())
        .isEqualTo("prices-2015-07-06-0000.csv");
    String concatenated = digest(tmp.resolve("k1"));
    assertThat(digest(tmp.resolve("k10"))).isEqualTo(concatenated);
    assertThat(digest(tmp.resolve("one"))).isEqualTo(concatenated);
  }

  @Test
  void codesAreUniquePerDayAndValuesArePositive() throws IOException {
    PriceGenerator.builder().days(3).securities(1000).seed(-5).build().writeTo(tmp);
    for (Path f : list(tmp)) {
      Set<String> codes = new HashSet<>();
      for (String l : Files.readAllLines(f)) {
        String[] parts = l.split(",");
        assertThat(codes.add(parts[0])).as("duplicate code %s in %s", parts[0], f).isTrue();
        assertThat(Double.parseDouble(parts[2])).isBetween(4.5, 55.0);
      }
      assertThat(codes).hasSize(1000);
    }
  }

  @Test
  void badOptionsAreRefusedWithTheValue() {
    assertThatThrownBy(() -> PriceGenerator.builder().days(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> PriceGenerator.builder().securities(2_000_000))
        .hasMessageContaining("2000000");
    assertThatThrownBy(() -> PriceGenerator.builder().securities(10).filesPerDay(11).build())
        .hasMessageContaining("11");
    assertThatThrownBy(() -> PriceGenerator.builder().filesPerDay(2).singleFile(true).build())
        .hasMessageContaining("2 files per day");
  }

  /** SHA-256 of the files of {@code dir} concatenated in name order. */
  private static String digest(Path dir) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Path f : list(dir)) {
        md.update(Files.readAllBytes(f));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

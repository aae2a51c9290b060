package io.starmap.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdOutputStream;
import io.starmap.core.processes.ProcessPools;
import io.starmap.importer.testing.PostgresExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * Compressed input ({@code .gz}, {@code .zst}, {@code .bz2}, {@code .xz}): each format written
 * here with its library and loaded into the real server; corrupt, truncated and misnamed files
 * fail naming the file, and lose nothing that was committed.
 */
@Timeout(300)
class CompressedInputIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  @TempDir Path dir;

  /** The test class's database. */
  static PgTarget db() {
    return PgTarget.of(PG.database());
  }

  /** The formats, each with its suffix and a writer of its own library. */
  enum Format {
    GZ(".gz", "gzip"), ZST(".zst", "zstd"), BZ2(".bz2", "bzip2"), XZ(".xz", "xz");

    final String suffix;
    final String name;

    Format(String suffix, String name) {
      this.suffix = suffix;
      this.name = name;
    }

    byte[] compress(byte[] data) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (OutputStream out = switch (this) {
        case GZ -> new GZIPOutputStream(bytes);
        case ZST -> new ZstdOutputStream(bytes, 3);
        case BZ2 -> new BZip2CompressorOutputStream(bytes);
        case XZ -> new XZOutputStream(bytes, new LZMA2Options(1)); // fast: tests write a lot
      }) {
        out.write(data);
      }
      return bytes.toByteArray();
    }
  }

  /** Rows {@code code,date,value}, codes from {@code first}: distinct across calls that differ. */
  static String prices(int first, int rows) {
    StringBuilder sb = new StringBuilder();
    for (int i = first; i < first + rows; i++) {
      sb.append(String.format("%06d,2024-%02d-%02d,%d.%02d%n", i, 1 + i % 12, 1 + i % 28,
          i % 1000, i % 100));
    }
    return sb.toString();
  }

  /** count:sum(value):count(distinct code) of a table. */
  static String checksum(String table) {
    return TestPg.text(db(), "SELECT count(*) || ':' || coalesce(sum(value), 0) || ':'"
        + " || count(DISTINCT code) FROM " + table);
  }

  Path write(String name, Format f, String csv) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, f == null ? csv.getBytes(StandardCharsets.UTF_8)
        : f.compress(csv.getBytes(StandardCharsets.UTF_8)));
    return p;
  }

  ImportOptions.Builder options(String table) {
    return ImportOptions.builder(table).path(dir.toString()).create("code text, date date, value numeric(12,2)").workers(2);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void eachFormatRoundTripsWithItsHeaderFoundThroughTheDecoder(Format f) throws IOException {
    // two compressed streams one after the other (as parallel compressors write): both are read
    String first = "code,date,value\n" + prices(0, 30_000);
    String second = prices(30_000, 20_000);
    byte[] a = f.compress(first.getBytes(StandardCharsets.UTF_8));
    byte[] b = f.compress(second.getBytes(StandardCharsets.UTF_8));
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    Files.write(dir.resolve("p.csv" + f.suffix), both);
    String table = "round_" + f.name;

    ImportReport r = Importer.run(db(), options(table).build(), ImportListener.none());

    assertThat(r.headerUsed()).isTrue();
    assertThat(r.rowsLoaded()).isEqualTo(50_000);
    assertThat(r.accountingBalances()).isTrue();
    // the same rows, loaded plain, give the same checksum
    Path plain = Files.createDirectory(dir.resolve("plain"));
    Files.writeString(plain.resolve("p.csv"), first + second);
    Importer.run(db(), ImportOptions.builder(table + "_plain").path(plain.toString())
        .create("code text, date date, value numeric(12,2)").build(), ImportListener.none());
    assertThat(checksum(table)).isEqualTo(checksum(table + "_plain")).startsWith("50000:");
  }

  @Test
  void aMixedDirectoryLoadsEveryRow() throws IOException {
    write("x.csv", null, prices(0, 1000));
    write("y.csv.gz", Format.GZ, prices(1000, 2000));
    write("z.csv.zst", Format.ZST, prices(3000, 3000));
    write("w.csv.bz2", Format.BZ2, prices(6000, 4000));
    write("v.csv.xz", Format.XZ, prices(10_000, 5000));

    ImportReport r = Importer.run(db(), options("mixed").header(Header.NO).build(),
        ImportListener.none());

    assertThat(r.files()).isEqualTo(5);
    assertThat(r.rowsLoaded()).isEqualTo(15_000);
    assertThat(checksum("mixed")).startsWith("15000:").endsWith(":15000");
    // every file is in the ledger: the same command again loads nothing
    ImportReport again = Importer.run(db(), options("mixed").build(), ImportListener.none());
    assertThat(again.rowsLoaded()).isZero();
    assertThat(again.rowsSkipped()).isEqualTo(15_000);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void aTruncatedFileFailsNamingItAndTheFormat(Format f) throws IOException {
    // 3.6 MB of CSV cut at half: the decoder fails after the first 1 MB read, in the middle of
    // the COPY (which the failed read must cancel: the rollback would wait for it forever)
    byte[] whole = f.compress(prices(0, 150_000).getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve("cut.csv" + f.suffix), Arrays.copyOf(whole, whole.length / 2));

    assertThatThrownBy(() -> Importer.run(db(), options("cut_" + f.name).header(Header.NO)
        .build(), ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .hasMessageStartingWith(dir.resolve("cut.csv" + f.suffix) + ": truncated " + f.name
            + " data: the file ends after " + whole.length / 2 + " bytes");
    // nothing loaded: the table is empty, or not even created when the sample (the first
    // megabyte, read to sniff the dialect) already met the cut
    assertThat(TestPg.count(db(), "SELECT count(*) FROM pg_class WHERE relname = 'cut_" + f.name
        + "'") == 0 || TestPg.count(db(), "SELECT count(*) FROM cut_" + f.name) == 0).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void garbageAfterTheMagicNumberFailsNamingTheFile(Format f) throws IOException {
    byte[] good = f.compress(prices(0, 10).getBytes(StandardCharsets.UTF_8));
    byte[] bad = new byte[64 * 1024];
    new Random(7).nextBytes(bad);
    int keep = f == Format.XZ ? 12 : 4; // the magic number (and xz's stream header) kept
    System.arraycopy(good, 0, bad, 0, keep);
    Files.write(dir.resolve("junk.csv" + f.suffix), bad);

    assertThatThrownBy(() -> Importer.run(db(), options("junk_" + f.name).header(Header.NO)
        .build(), ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .hasMessageMatching(Pattern.quote(dir.resolve("junk.csv" + f.suffix) + ": ")
            + "(corrupt|truncated) " + f.name + " data.* bytes decompressed\\): .+");
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void bytesOfNoFormatFailNamingTheFileAndItsFirstBytes(Format f) throws IOException {
    write("text.csv" + f.suffix, null, "a,b\n");

    assertThatThrownBy(() -> Importer.run(db(), options("text_" + f.name).header(Header.NO)
        .build(), ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .hasMessage(dir.resolve("text.csv" + f.suffix) + ": not " + f.name
            + " data, as its name (" + f.suffix + ") says: its first bytes are 61 2c 62 0a");
  }

  @Test
  void aWrongSuffixNamesWhatTheFileHolds() throws IOException {
    write("gzip-inside.csv.zst", Format.GZ, prices(0, 10));

    // the header is looked for first: the file is refused before anything is loaded
    assertThatThrownBy(() -> Importer.run(db(), options("wrong_suffix").build(),
        ImportListener.none()))
        .isInstanceOf(ImportException.class)
        .hasMessage(dir.resolve("gzip-inside.csv.zst") + ": not zstd data, as its name (.zst)"
            + " says: it holds gzip data");
  }

  @Test
  void aCorruptFileFailsTheRunEvenWithBadRowsAllowedAndARerunLoadsExactlyTheRest()
      throws IOException {
    for (int i = 0; i < 4; i++) {
      write("good" + i + ".csv.zst", Format.ZST, prices(i * 1000, 1000));
    }
    ImportOptions o = options("corrupt").header(Header.NO).maxErrors(100).build();
    assertThat(Importer.run(db(), o, ImportListener.none()).rowsLoaded()).isEqualTo(4000);
    write("more.csv.bz2", Format.BZ2, prices(4000, 1000));
    byte[] whole = Format.ZST.compress(prices(5000, 50_000).getBytes(StandardCharsets.UTF_8));
    Path bad = dir.resolve("bad.csv.zst");
    Files.write(bad, Arrays.copyOf(whole, whole.length - 100));

    ImportException e = (ImportException) catchFailure(o);

    assertThat(e.getMessage()).startsWith(bad + ": truncated zstd data");
    assertThat(e.kind()).isEqualTo(ImportException.Kind.OTHER);
    // what committed stays, and the ledger says exactly that
    long rows = TestPg.count(db(), "SELECT count(*) FROM corrupt");
    assertThat(rows).isBetween(4000L, 5000L);
    assertThat(TestPg.count(db(), "SELECT sum(rows_read) FROM starmap_ledger"
        + " WHERE table_name LIKE '%corrupt%'")).isEqualTo(rows);
    assertThat(e.report()).isNotNull();

    Files.write(bad, whole);
    ImportReport fixed = Importer.run(db(), o, ImportListener.none());

    assertThat(fixed.rowsLoaded()).isEqualTo(55_000 - rows);
    assertThat(fixed.rowsRejected()).isZero();
    assertThat(checksum("corrupt")).startsWith("55000:").endsWith(":55000");
  }

  @Test
  void workerProcessesDecompressToo() throws IOException {
    write("a.csv.zst", Format.ZST, prices(0, 3000));
    write("b.csv.xz", Format.XZ, prices(3000, 3000));
    write("c.csv.bz2", Format.BZ2, prices(6000, 3000));

    ImportReport r = Importer.run(db(), options("on_workers").header(Header.NO)
        .executor("processes").build(), ImportListener.none());

    assertThat(r.executor()).isEqualTo("processes");
    assertThat(checksum("on_workers")).startsWith("9000:").endsWith(":9000");
  }

  @AfterAll
  static void stopWorkers() {
    ProcessPools.shutdown();
  }

  private static Throwable catchFailure(ImportOptions o) {
    try {
      Importer.run(db(), o, ImportListener.none());
    } catch (ImportException e) {
      return e;
    }
    throw new AssertionError("the import of a corrupt file succeeded");
  }
}

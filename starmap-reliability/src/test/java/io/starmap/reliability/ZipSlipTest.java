package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.store.CalcArchive;
import io.starmap.store.Calculation;
import io.starmap.store.CalculationStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code starmap calcs restore} writes only inside {@code $STARMAP_HOME} and only archives of its
 * own: entries that climb out (zip slip), absolute entries, foreign entries, archives without the
 * manifest and files that are not zips are refused with one line, nothing is written anywhere, and
 * the store stays usable.
 */
@Timeout(120)
class ZipSlipTest {
  @TempDir Path dir;
  Path home;
  Path genuine;

  @BeforeEach
  void setUp() throws Exception {
    home = Files.createDirectories(dir.resolve("home"));
    try (CalculationStore store = CalculationStore.open(home)) {
      try (Calculation c = store.start("test", "a calculation to dump", Map.of("k", "v"))) {
        c.complete();
      }
    }
    genuine = dir.resolve("genuine.zip");
    InProcessCli.Result dump = InProcessCli.run(home, "calcs", "dump", genuine.toString(), "last");
    assertThat(dump.exit()).as(dump.all()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"../evil.txt", "../../evil.txt", "calc_1.hdf5/../../evil.txt",
      "/tmp/starmap-zip-slip-evil.txt", "..\\evil.txt", "C:evil.txt", "pg/../../evil.txt",
      "sub/../../evil.txt", "./../evil.txt", "pg/data/postgresql.conf", "db.sqlite",
      "calc_1.hdf5.sh", ".bashrc", "calc_99999999999999999999999.hdf5", "calc_0.hdf5"})
  void entriesOutsideItsOwnLayoutAreRefused(String entry) throws Exception {
    Path zip = dir.resolve("hostile.zip");
    byte[] db = readEntry(genuine, "calcs.sqlite");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      put(z, "MANIFEST", (CalcArchive.MAGIC + "\nformat 1\n").getBytes(StandardCharsets.UTF_8));
      put(z, entry, "pwned\n".getBytes(StandardCharsets.UTF_8));
      put(z, "calcs.sqlite", db);
    }
    assertRefusedAndNothingWritten(zip, "refused");
  }

  @Test
  void anArchiveWithoutItsManifestIsRefused() throws Exception {
    Path zip = dir.resolve("foreign.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      put(z, "calcs.sqlite", readEntry(genuine, "calcs.sqlite"));
      put(z, "calc_1.hdf5", new byte[] {1, 2, 3});
    }
    assertRefusedAndNothingWritten(zip, "not a Starmap calculation archive");
  }

  @Test
  void aManifestOfAnotherFormatIsRefused() throws Exception {
    Path zip = dir.resolve("future.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      put(z, "MANIFEST", (CalcArchive.MAGIC + "\nformat 99\n").getBytes(StandardCharsets.UTF_8));
      put(z, "calcs.sqlite", readEntry(genuine, "calcs.sqlite"));
    }
    assertRefusedAndNothingWritten(zip, "format");
  }

  @Test
  void aFileThatIsNotAZipIsRefused() throws Exception {
    Path zip = dir.resolve("garbage.zip");
    byte[] junk = new byte[10_000];
    new java.util.Random(7).nextBytes(junk);
    Files.write(zip, junk);
    assertRefusedAndNothingWritten(zip, "garbage.zip");
  }

  @Test
  void theGenuineArchiveRestores() throws Exception {
    InProcessCli.Result r = InProcessCli.run(home, "calcs", "restore", genuine.toString());
    assertThat(r.exit()).as(r.all()).isZero();
    try (CalculationStore store = CalculationStore.open(home)) {
      assertThat(store.list(100, null)).hasSize(2);
    }
  }

  private void assertRefusedAndNothingWritten(Path zip, String message) throws Exception {
    List<Path> before = everyFile();
    InProcessCli.Result r = InProcessCli.run(home, "calcs", "restore", zip.toString());
    assertThat(r.exit()).as(r.all()).isEqualTo(1);
    assertThat(r.err()).as(r.all()).startsWith("starmap: ").contains(message)
        .doesNotContain("\tat ");
    assertThat(everyFile()).as("files after a refused restore").isEqualTo(before);
    assertThat(Path.of("/tmp/starmap-zip-slip-evil.txt")).doesNotExist();
    try (CalculationStore store = CalculationStore.open(home)) {
      assertThat(store.list(100, null)).as("the store is unchanged and usable").hasSize(1);
    }
    InProcessCli.Result list = InProcessCli.run(home, "calcs", "list");
    assertThat(list.exit()).as(list.all()).isZero();
  }

  /** Every file under the test directory (the home and its parent: where a slip would land). */
  private List<Path> everyFile() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".zip"))
          .filter(p -> !p.getFileName().toString().startsWith("calcs.sqlite-"))
          .sorted().toList();
    }
  }

  private static void put(ZipOutputStream z, String name, byte[] content) throws Exception {
    z.putNextEntry(new ZipEntry(name));
    z.write(content);
    z.closeEntry();
  }

  private static byte[] readEntry(Path zip, String name) throws Exception {
    try (var z = new java.util.zip.ZipFile(zip.toFile())) {
      ZipEntry e = z.getEntry(name);
      assertThat(e).as(name + " in " + zip).isNotNull();
      try (var in = z.getInputStream(e)) {
        return in.readAllBytes();
      }
    }
  }

}

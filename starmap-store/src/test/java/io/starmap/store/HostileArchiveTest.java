package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives built to hurt {@code calcs restore}: an entry whose name holds an id out of range, zip
 * bombs (an entry that declares more than may be written, one that lies about its size and
 * expands far past it), and a restore that meets an {@link Error} halfway. Each is refused or
 * rolled back with the store as it was, and no expanded byte beyond the cap reaches the disk.
 */
@Timeout(120)
class HostileArchiveTest {
  @TempDir Path dir;
  Path source;
  Path home;
  Path genuine;

  @BeforeEach
  void archiveOfTwo() {
    source = dir.resolve("source");
    home = dir.resolve("home");
    genuine = dir.resolve("genuine.zip");
    try (CalculationStore store = CalculationStore.open(source)) {
      for (String d : List.of("first", "second")) {
        try (Calculation c = store.start("test", d, Map.of())) {
          c.put("results/summary", H5Table.builder().column("n", 3L).build());
          c.complete();
        }
      }
      store.dump(genuine, List.of());
    }
    try (CalculationStore store = CalculationStore.open(home)) {
      try (Calculation c = store.start("test", "already here", Map.of())) {
        c.complete();
      }
    }
  }

  @AfterEach
  void resetSeams() {
    ArchiveEntries.entryCapForTests = Long.MAX_VALUE;
    CalcArchive.afterEachCalcForTests = id -> { };
  }

  @Test
  void anIdOutOfRangeIsNamedWithItsEntry() throws Exception {
    Path zip = dir.resolve("bigid.zip");
    String name = "calc_99999999999999999999999.hdf5";
    writeZip(zip, Map.of("MANIFEST", manifest(), "calcs.sqlite", entry(genuine, "calcs.sqlite"),
        name, new byte[] {1, 2, 3}));
    assertRefusedStoreUnchanged(zip, "archive entry '" + name + "'",
        "is not a calculation id");
  }

  @Test
  void anEntryDeclaringMoreThanTheCapIsRefusedBeforeAnyByteIsWritten() throws Exception {
    ArchiveEntries.entryCapForTests = 1 << 20;
    Path zip = dir.resolve("declared.zip");
    writeZip(zip, Map.of("MANIFEST", manifest(), "calcs.sqlite", new byte[2 << 20]));
    assertRefusedStoreUnchanged(zip, "archive entry 'calcs.sqlite'",
        "declares 2097152 bytes, more than the 1048576 bytes");
  }

  @Test
  void anEntryLyingAboutItsSizeIsRefusedOncePastWhatItDeclared() throws Exception {
    // 256 MB of zeros deflate to 250 KB; the central directory then says 4096 bytes
    Path zip = dir.resolve("bomb.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      z.putNextEntry(new ZipEntry("MANIFEST"));
      z.write(manifest());
      z.putNextEntry(new ZipEntry("calcs.sqlite"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 256; i++) {
        z.write(zeros);
      }
      z.closeEntry();
    }
    patchDeclaredSize(zip, "calcs.sqlite", 4096);
    try (ZipFile z = new ZipFile(zip.toFile())) {
      assertThat(z.getEntry("calcs.sqlite").getSize()).as("the lie is what ZipFile reads")
          .isEqualTo(4096);
    }
    long free = Files.getFileStore(dir).getUsableSpace();
    assertRefusedStoreUnchanged(zip, "archive entry 'calcs.sqlite'", "expands past 4096 bytes");
    assertThat(free - Files.getFileStore(dir).getUsableSpace()).as("bytes left on the disk")
        .isLessThan(64L << 20);
  }

  @Test
  void theCopyStopsAtTheCapOfAnEndlessEntry() throws Exception {
    Path target = dir.resolve("endless");
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 7);
        return len;
      }
    };
    assertThatThrownBy(() -> ArchiveEntries.copyCapped(endless, target, 100_000, "endless entry"))
        .hasMessageContaining("endless entry expands past 100000 bytes");
    assertThat(Files.size(target)).as("bytes written before the refusal").isPositive()
        .isLessThanOrEqualTo(100_000);
  }

  @Test
  void anErrorHalfwayRollsTheRestoreBack() throws Exception {
    int[] calls = {0};
    CalcArchive.afterEachCalcForTests = id -> {
      if (++calls[0] == 2) {
        throw new OutOfMemoryError("simulated, after the second calculation was copied");
      }
    };
    List<String> before = files(home);
    try (CalculationStore store = CalculationStore.open(home)) {
      assertThatThrownBy(() -> store.restore(genuine)).isInstanceOf(OutOfMemoryError.class);
      assertThat(store.list(100, null)).extracting(CalcRecord::description)
          .as("the calculations after a restore that met an Error")
          .containsExactly("already here");
    }
    assertThat(files(home)).as("files in the home").isEqualTo(before);
    assertThat(calls[0]).isEqualTo(2);
    // and the same archive restores whole once nothing gets in the way
    CalcArchive.afterEachCalcForTests = id -> { };
    try (CalculationStore store = CalculationStore.open(home)) {
      assertThat(store.restore(genuine).ids()).hasSize(2);
      assertThat(store.list(100, null)).hasSize(3);
    }
  }

  private void assertRefusedStoreUnchanged(Path zip, String... message) throws Exception {
    List<String> before = files(home);
    try (CalculationStore store = CalculationStore.open(home)) {
      var thrown = assertThatThrownBy(() -> store.restore(zip));
      for (String m : message) {
        thrown.hasMessageContaining(m);
      }
      thrown.hasMessageNotContaining("For input string");
      assertThat(store.list(100, null)).hasSize(1);
    }
    assertThat(files(home)).as("files in the home after a refused restore").isEqualTo(before);
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("db.sqlite"))
          .sorted().toList();
    }
  }

  private static byte[] manifest() {
    return (CalcArchive.MAGIC + "\nformat 1\n").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] entry(Path zip, String name) throws IOException {
    try (ZipFile z = new ZipFile(zip.toFile()); InputStream in = z.getInputStream(
        z.getEntry(name))) {
      return in.readAllBytes();
    }
  }

  private static void writeZip(Path zip, Map<String, byte[]> entries) throws IOException {
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (var e : new java.util.TreeMap<>(entries).entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
  }

  /** Rewrites the uncompressed size of {@code name} in the central directory. */
  private static void patchDeclaredSize(Path zip, String name, int size) throws IOException {
    byte[] bytes = Files.readAllBytes(zip);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + 46 < bytes.length; i++) {
      if (b.getInt(i) == 0x02014b50 && b.getShort(i + 28) == wanted.length
          && java.util.Arrays.equals(bytes, i + 46, i + 46 + wanted.length, wanted, 0,
              wanted.length)) {
        b.putInt(i + 24, size);
        Files.write(zip, bytes);
        return;
      }
    }
    throw new IllegalStateException("no central directory entry " + name + " in " + zip);
  }
}

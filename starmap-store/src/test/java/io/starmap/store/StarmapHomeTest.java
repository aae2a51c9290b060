package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StarmapHomeTest {
  @TempDir Path dir;

  @Test
  void starmapHomeWins() {
    Path home = StarmapHome.resolve(Map.of("STARMAP_HOME", dir.resolve("sm").toString(),
        "HOME", dir.resolve("h").toString()));
    assertThat(home).isEqualTo(dir.resolve("sm")).isDirectory();
  }

  @Test
  void defaultIsDotStarmapInHomeAsTheShellSeesIt() {
    Path home = StarmapHome.resolve(Map.of("HOME", dir.toString()));
    assertThat(home).isEqualTo(dir.resolve(".starmap")).isDirectory();
  }

  @Test
  void aNewHomeIsOwnerOnlyAndAnOpenStoreKeepsItsWriteAheadLogOwnerOnly() throws Exception {
    Path home = StarmapHome.resolve(Map.of("STARMAP_HOME", dir.resolve("a/b").toString()));
    assertThat(mode(home)).isEqualTo("rwx------");
    try (CalculationStore store = CalculationStore.open(home)) {
      store.start("test", "a calculation that writes", Map.of()).close();
      // open: SQLite's -wal and -shm files are there, made with the database's mode
      for (String name : new String[] {"db.sqlite", "db.sqlite-wal", "db.sqlite-shm"}) {
        assertThat(mode(home.resolve(name))).as(name).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void anExistingHomeOpenToOthersIsMadeOwnerOnly() throws Exception {
    Path old = Files.createDirectory(dir.resolve("old"));
    Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("rwxr-xr-x"));
    StarmapHome.resolve(Map.of("STARMAP_HOME", old.toString()));
    assertThat(mode(old)).isEqualTo("rwx------");
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}

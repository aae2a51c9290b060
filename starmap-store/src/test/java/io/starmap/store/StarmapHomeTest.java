package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
}

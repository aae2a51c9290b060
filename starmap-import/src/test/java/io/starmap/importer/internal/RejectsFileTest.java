package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.importer.ImportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RejectsFileTest {
  @TempDir Path home;

  @Test
  void importsWithoutACalculationStartedTogetherEachKeepTheirOwnRejects() throws IOException {
    Path input = Files.writeString(home.resolve("in.csv"), "1,a\n2,b\n");
    Piece piece = new Piece("in.csv", input.toString(), 8, null, 0, 8, 1, Compression.NONE,
        false, List.of());
    // Many runs back to back: several start within one millisecond, the case that made two
    // runs share, and truncate, one default file.
    List<RejectsFile> runs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RejectsFile r = new RejectsFile(() -> RejectsFile.defaultIn(home, -1));
      r.write(List.of(new TaskResult.Reject("in.csv", 1 + i % 2, "run " + i, piece,
          (i % 2) * 4, (i % 2) * 4 + 4)), m -> { });
      runs.add(r);
    }
    Set<Path> paths = new HashSet<>();
    for (int i = 0; i < runs.size(); i++) {
      RejectsFile r = runs.get(i);
      r.close();
      paths.add(r.path());
      assertThat(r.path().getFileName().toString()).startsWith("import_").endsWith(".rejects");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(r.path())))
          .isEqualTo("rw-------");
      String record = i % 2 == 0 ? "\"1,a\"" : "\"2,b\"";
      assertThat(Files.readString(r.path(), StandardCharsets.UTF_8)).isEqualTo(
          "file,line,reason,record\n\"in.csv\"," + (1 + i % 2) + ",\"run " + i + "\"," + record
          + "\n");
    }
    assertThat(paths).hasSize(runs.size());
  }

  @Test
  void aCalculationsRejectsAreNamedByItsIdAndMadeOnlyAtTheFirstBadRow() throws IOException {
    RejectsFile r = new RejectsFile(() -> RejectsFile.defaultIn(home, 7));
    r.write(List.of(), m -> { });
    r.close();
    assertThat(r.path()).isNull();
    assertThat(RejectsFile.defaultIn(home, 7)).isEqualTo(home.resolve("calc_7.rejects"))
        .doesNotExist();
  }

  @Test
  void aHomeWhereNoFileCanBeMadeIsNamed() throws IOException {
    Path notADirectory = Files.writeString(home.resolve("file"), "x");
    assertThatThrownBy(() -> RejectsFile.defaultIn(notADirectory, -1))
        .isInstanceOf(ImportException.class)
        .hasMessageContaining("cannot make a rejects file in " + notADirectory);
  }
}

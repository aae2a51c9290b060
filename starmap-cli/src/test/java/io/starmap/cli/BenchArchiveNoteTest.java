package io.starmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.cli.bench.ImportBench.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BenchArchiveNoteTest {
  private static final List<String> LAUNCHER = List.of("/opt/starmap/bin/starmap");

  @Test
  void afterTheWarmUpsTheUserLearnsWhichDataTheArchiveKeeps() {
    String note = BenchCommand.Import.archiveNote(LAUNCHER, List.of(Shape.DEFAULT, Shape.SINGLE),
        Map.of("archive of the default shape", "trained on d522",
            "archive of the single shape", "trained on d522-single"));
    assertThat(note).isEqualTo("starmap: the class archive that /opt/starmap/bin/starmap keeps"
        + " for its imports (those of the cluster executor have their own), where it keeps one,"
        + " is now trained on d522-single; an import of your own data with"
        + " STARMAP_ARCHIVE_TRAIN=1 trains it on yours");
  }

  @Test
  void nothingIsSaidForAnotherLauncherOrAFailedLastWarmUp() {
    Map<String, String> trained = Map.of("archive of the split shape", "trained on d522-k100");
    assertThat(BenchCommand.Import.archiveNote(List.of("java", "-cp", "x", "Main"),
        List.of(Shape.SPLIT), trained)).isNull();
    assertThat(BenchCommand.Import.archiveNote(LAUNCHER, List.of(Shape.SPLIT),
        Map.of("archive of the split shape", "not trained, its warm-up failed: exit 1")))
        .isNull();
  }
}

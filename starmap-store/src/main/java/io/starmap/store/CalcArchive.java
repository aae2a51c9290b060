package io.starmap.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Zip archives of calculations: {@code starmap calcs dump} and {@code restore}. */
public final class CalcArchive {
  private CalcArchive() {}

  /** What a dump wrote. */
  public record Dumped(Path zip, List<Long> ids, long bytes) {}

  /** What a restore read: old id to new id. */
  public record Restored(Path zip, Map<Long, Long> ids) {}

  static Dumped dump(CalculationStore store, Path zip, List<Long> ids) {
    throw new UnsupportedOperationException("not yet");
  }

  static Restored restore(CalculationStore store, Path zip) {
    throw new UnsupportedOperationException("not yet");
  }
}

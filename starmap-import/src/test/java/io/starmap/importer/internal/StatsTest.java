package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class StatsTest {
  @TempDir Path dir;

  /** Many entries, so that the second half is read on the other thread. */
  private List<Path> entries() throws IOException {
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < Stats.SPLIT_AT + 10; i++) {
      paths.add(Files.writeString(dir.resolve("f" + i), "y".repeat(i % 5)));
    }
    return paths;
  }

  @Test
  void theAttributesComeInTheOrderOfThePathsFromBothThreads() throws IOException {
    List<Path> paths = entries();
    paths.set(3, Files.createDirectory(dir.resolve("d")));
    Path link = Files.createSymbolicLink(dir.resolve("link"), paths.get(7));
    paths.set(paths.size() - 2, link);

    BasicFileAttributes[] attrs = Stats.of(paths);

    assertThat(attrs).hasSize(paths.size());
    for (int i = 0; i < paths.size(); i++) {
      BasicFileAttributes a = attrs[i];
      if (i == 3) {
        assertThat(a.isDirectory()).isTrue();
      } else if (i == paths.size() - 2) {
        assertThat(a.isSymbolicLink()).as("a link is not followed").isTrue();
      } else {
        assertThat(a.isRegularFile()).isTrue();
        assertThat(a.size()).as(paths.get(i).toString()).isEqualTo(i % 5);
      }
    }
  }

  @Test
  void aPathGoneInEitherHalfFailsWithItsName() throws IOException {
    for (int gone : new int[] {0, Stats.SPLIT_AT + 9}) {
      List<Path> paths = entries();
      Files.delete(paths.get(gone));
      assertThatThrownBy(() -> Stats.of(paths)).isInstanceOf(NoSuchFileException.class)
          .hasMessage(paths.get(gone).toString());
    }
  }

  @Test
  void theSecondThreadReadsItsHalfWhateverTheCores() throws IOException {
    List<Path> paths = entries().subList(0, 10);
    BasicFileAttributes[] split = Stats.of(paths, true);
    for (int i = 0; i < paths.size(); i++) {
      assertThat(split[i].size()).as(paths.get(i).toString()).isEqualTo(i % 5);
    }
    Files.delete(paths.get(9));
    assertThatThrownBy(() -> Stats.of(paths, true)).isInstanceOf(NoSuchFileException.class)
        .hasMessage(paths.get(9).toString());
  }

  @Test
  void aSmallListIsReadWholeOnAnInterruptedThread() throws IOException {
    List<Path> paths = entries().subList(0, 1000);
    Thread.currentThread().interrupt();
    try {
      assertThat(Stats.of(paths)).hasSize(1000).doesNotContainNull();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void anInterruptedListingKeepsItsInterruptFlag() throws IOException {
    List<Path> paths = entries();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Stats.of(paths)).isInstanceOf(InterruptedIOException.class)
          .hasMessage("interrupted while listing " + dir);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}

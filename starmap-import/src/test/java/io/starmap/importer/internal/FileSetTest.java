package io.starmap.importer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.starmap.importer.ImportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FileSetTest {
  @TempDir Path dir;

  private Path file(String rel, String content) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  private static List<String> names(List<InputFile> files) {
    return files.stream().map(InputFile::name).toList();
  }

  @Test
  void aDirectoryGivesItsRegularFilesSortedWithoutHiddenOnes() throws IOException {
    file("b.csv", "bb\n");
    file("a.csv", "a\n");
    file("sub/c.csv.gz", "ccc");
    file("sub/.hidden.csv", "h\n");
    file(".git/x.csv", "x\n");
    file("sub/deeper/d.csv", "dddd\n");
    Files.createDirectories(dir.resolve("empty"));

    List<InputFile> files = FileSet.expand(List.of(dir.toString()));

    assertThat(names(files)).containsExactly(dir + "/a.csv", dir + "/b.csv",
        dir + "/sub/c.csv.gz", dir + "/sub/deeper/d.csv");
    assertThat(files).extracting(InputFile::size).containsExactly(2L, 3L, 3L, 5L);
    assertThat(files).extracting(InputFile::compression).containsExactly(Compression.NONE,
        Compression.NONE, Compression.GZIP, Compression.NONE);
    assertThat(files).allSatisfy(f -> {
      assertThat(f.path().isAbsolute()).isTrue();
      assertThat(f.path()).isEqualTo(f.path().normalize());
      assertThat(Files.size(f.path())).isEqualTo(f.size());
    });
  }

  @Test
  void namesKeepThePathAsGivenAndDuplicatesCountOnce() throws IOException {
    Path a = file("in/a.csv", "a\n");
    file("in/b.csv", "b\n");
    String given = dir + "/in/../in/";

    List<InputFile> files = FileSet.expand(List.of(given, a.toString()));

    assertThat(names(files)).containsExactly(dir + "/in/../in/a.csv", dir + "/in/../in/b.csv");
    assertThat(files.get(0).path()).isEqualTo(a);
  }

  @Test
  void aSymbolicLinkToAFileIsAFile() throws IOException {
    Path target = file("real/t.csv", "target\n");
    Files.createDirectories(dir.resolve("links"));
    Files.createSymbolicLink(dir.resolve("links/l.csv"), target);

    List<InputFile> files = FileSet.expand(List.of(dir.resolve("links").toString()));

    assertThat(names(files)).containsExactly(dir + "/links/l.csv");
    assertThat(files.get(0).size()).isEqualTo(7);
  }

  @Test
  void aDirectoryGivenAsASymbolicLinkIsListedButLinksToDirectoriesInsideAreNotFollowed()
      throws IOException {
    file("real/a.csv", "a\n");
    file("real/sub/b.csv", "bb\n");
    file("elsewhere/c.csv", "ccc\n");
    Files.createSymbolicLink(dir.resolve("real/out"), dir.resolve("elsewhere"));
    Files.createSymbolicLink(dir.resolve("real/loop"), dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("data"), dir.resolve("real"));

    List<InputFile> files = FileSet.expand(List.of(link.toString()));

    assertThat(names(files)).containsExactly(link + "/a.csv", link + "/sub/b.csv");
    assertThat(files).extracting(InputFile::size).containsExactly(2L, 3L);
    assertThat(names(FileSet.expand(List.of(link + "/")))).containsExactly(link + "/a.csv",
        link + "/sub/b.csv");
    // given through the link and as itself: each file once, named as first given
    assertThat(names(FileSet.expand(List.of(link.toString(), dir.resolve("real").toString()))))
        .containsExactly(link + "/a.csv", link + "/sub/b.csv");
  }

  @Test
  void aDirectoryOfThousandsOfFilesIsListedWholeAndInOrder() throws IOException {
    int n = 2 * Stats.SPLIT_AT + 1; // read on two threads
    List<String> expected = new ArrayList<>();
    long[] sizes = new long[n];
    for (int i = 0; i < n; i++) {
      String name = String.format("f%05d.csv", i);
      sizes[i] = i % 7;
      file("many/" + name, "x".repeat(i % 7));
      expected.add(dir + "/many/" + name);
    }
    file("many/.hidden.csv", "h\n");
    file("many/sub/last.csv", "z\n");
    expected.add(dir + "/many/sub/last.csv");

    List<InputFile> files = FileSet.expand(List.of(dir.resolve("many").toString()));

    assertThat(names(files)).containsExactlyElementsOf(expected);
    for (int i = 0; i < n; i++) {
      assertThat(files.get(i).size()).as(files.get(i).name()).isEqualTo(sizes[i]);
    }
  }

  @Test
  void globsMatchBelowTheirFixedPart() throws IOException {
    file("g/x1.csv", "1\n");
    file("g/x2.txt", "2\n");
    file("g/sub/x3.csv", "3\n");

    assertThat(names(FileSet.expand(List.of(dir + "/g/*.csv")))).containsExactly(dir + "/g/x1.csv");
    assertThat(names(FileSet.expand(List.of(dir + "/g/**.csv"))))
        .containsExactly(dir + "/g/sub/x3.csv", dir + "/g/x1.csv");
    assertThatThrownBy(() -> FileSet.expand(List.of(dir + "/g/*.json")))
        .isInstanceOf(ImportException.class).hasMessage("no file matches " + dir + "/g/*.json");
  }

  @Test
  void aMissingPathIsAnError() {
    assertThatThrownBy(() -> FileSet.expand(List.of(dir + "/nothing")))
        .isInstanceOf(ImportException.class)
        .hasMessage("no such file or directory: " + dir + "/nothing");
  }

  @Test
  void aDirectoryListedAheadIsTakenOnceByTheExpandOfThatPath() throws IOException {
    file("a.csv", "a\n");
    file("sub/b.csv", "bb\n");
    FileSet.prefetch(dir.toString());
    FileSet.prefetch(dir.resolve("a.csv").toString()); // a file: nothing to list ahead
    List<InputFile> ahead = FileSet.expand(List.of(dir.toString()));
    assertThat(names(ahead)).containsExactly(dir + "/a.csv", dir + "/sub/b.csv");
    // taken: a file added since is seen by the next listing
    file("c.csv", "c\n");
    assertThat(names(FileSet.expand(List.of(dir.toString()))))
        .containsExactly(dir + "/a.csv", dir + "/c.csv", dir + "/sub/b.csv");
  }

  @Test
  void aMissingPathIsNotListedAheadAndFailsAsUsual() {
    FileSet.prefetch(dir.resolve("nowhere").toString());
    assertThatThrownBy(() -> FileSet.expand(List.of(dir.resolve("nowhere").toString())))
        .isInstanceOf(ImportException.class).hasMessageContaining("no such file or directory");
  }
}

package io.starmap.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite driver's native library is copied once per Starmap home and driver version. */
class SqliteNativeTest {
  @TempDir Path home;

  @Test
  void copiesTheLibraryOnceAndReusesIt() throws Exception {
    assumeTrue(System.getProperty("os.name").startsWith("Linux")
        && System.getProperty("os.arch").matches("amd64|x86_64"), "Linux x86-64 only");
    Path lib = SqliteNative.cachedCopy(home);
    assertThat(lib).isNotNull().isRegularFile();
    assertThat(lib.getParent().getParent()).isEqualTo(home.resolve("native"));
    assertThat(lib.getParent().getFileName().toString()).startsWith("sqlite-jdbc-");
    try (InputStream original = org.sqlite.JDBC.class.getResourceAsStream(
        "/org/sqlite/native/Linux/x86_64/libsqlitejdbc.so")) {
      assertThat(Files.readAllBytes(lib)).isEqualTo(original.readAllBytes());
    }
    FileTime written = FileTime.fromMillis(0);
    Files.setLastModifiedTime(lib, written);
    assertThat(SqliteNative.cachedCopy(home)).isEqualTo(lib);
    assertThat(Files.getLastModifiedTime(lib)).as("not written again").isEqualTo(written);
    try (var files = Files.list(lib.getParent())) {
      assertThat(files).as("no temporary file left").containsExactly(lib);
    }
  }
}

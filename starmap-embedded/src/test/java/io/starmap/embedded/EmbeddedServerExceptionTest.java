package io.starmap.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library says why the server failed as a reason, and leaves the command line's flags out. */
class EmbeddedServerExceptionTest {
  @TempDir Path dir;

  @Test
  void anotherPlatformIsAReasonAndTheMessageNamesNoFlag() {
    String arch = System.getProperty("os.arch");
    System.setProperty("os.arch", "aarch64");
    try {
      EmbeddedServerException e = catchThrowableOfType(EmbeddedServerException.class,
          () -> EmbeddedServer.in(dir.resolve("pg"), dir.resolve("bin"), false).acquire());
      assertThat(e.reason()).isEqualTo(EmbeddedServerException.Reason.UNSUPPORTED_PLATFORM);
      assertThat(e.getMessage()).contains("Linux x86-64 only").contains("aarch64")
          .doesNotContain("--");
    } finally {
      System.setProperty("os.arch", arch);
    }
  }
}

package io.starmap.core.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNameTest {
  @TempDir Path dir;

  @Test
  void theKernelsNameIsTakenAsItIsWithoutItsLineEnd() throws IOException {
    Path kernel = Files.writeString(dir.resolve("hostname"), "node-7.cluster\n");

    assertThat(HostName.local(kernel)).isEqualTo("node-7.cluster");
  }

  @Test
  void withoutAKernelNameTheResolverOrLocalhostAnswers() throws IOException {
    Path blank = Files.writeString(dir.resolve("blank"), " \n");

    assertThat(HostName.local(dir.resolve("missing"))).isNotBlank().doesNotContain("\n");
    assertThat(HostName.local(blank)).isNotBlank().isEqualTo(HostName.local(dir.resolve("x")));
  }

  @Test
  void onLinuxTheNameIsTheKernelsOne() throws IOException {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    assumeTrue(Files.isReadable(kernel), "not Linux");

    assertThat(HostName.local()).isEqualTo(Files.readString(kernel).strip());
  }
}

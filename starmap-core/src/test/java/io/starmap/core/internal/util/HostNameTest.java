package io.starmap.core.internal.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNameTest {
  @TempDir Path dir;

  @Test
  void theKernelsNameIsTakenWithoutItsLineEndAndTheResolverIsNotAsked() throws IOException {
    Path kernel = Files.writeString(dir.resolve("hostname"), "node-7.cluster\n");
    AtomicInteger asked = new AtomicInteger();

    assertThat(HostName.local(kernel, () -> {
      asked.incrementAndGet();
      return "resolved";
    })).isEqualTo("node-7.cluster");
    assertThat(asked).hasValue(0);
  }

  @Test
  void withoutAKernelNameTheResolverAnswers() throws IOException {
    Path blank = Files.writeString(dir.resolve("blank"), " \n");

    assertThat(HostName.local(dir.resolve("missing"), () -> "resolved")).isEqualTo("resolved");
    assertThat(HostName.local(blank, () -> "resolved")).isEqualTo("resolved");
  }

  @Test
  void withoutAnyNameItIsLocalhost() {
    Path missing = dir.resolve("missing");

    assertThat(HostName.local(missing, () -> {
      throw new UnknownHostException("no such host");
    })).isEqualTo("localhost");
    assertThat(HostName.local(missing, () -> " ")).isEqualTo("localhost");
    assertThat(HostName.local(missing, () -> null)).isEqualTo("localhost");
  }

  @Test
  void onLinuxTheNameIsTheKernelsOne() throws IOException {
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    assumeTrue(Files.isReadable(kernel), "not Linux");

    assertThat(HostName.local()).isEqualTo(Files.readString(kernel).strip());
  }
}

package io.starmap.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolConfigTest {

  @Test
  void defaultsAreSafe() {
    PoolConfig c = PoolConfig.parse(2, Map.of());
    assertThat(c.workers()).isEqualTo(2);
    assertThat(c.jvmOptions()).isEmpty();
    assertThat(c.memoryLimitBytes()).isZero();
    assertThat(c.maxTasksPerWorker()).isZero();
    assertThat(c.pipelineDepth()).isEqualTo(8);
    assertThat(c.codec()).isEqualTo("java");
  }

  @Test
  void parsesEveryOption() {
    PoolConfig c = PoolConfig.parse(3, Map.of("jvmOptions", " -Xmx512m  -Dx=y ",
        "allowedPackages", "com.acme, org.example.Only", "memoryLimitMb", "256",
        "maxTasksPerWorker", "100", "pipelineDepth", "32", "startTimeoutSeconds", "5"));
    assertThat(c.jvmOptions()).containsExactly("-Xmx512m", "-Dx=y");
    assertThat(c.allowedPackages()).containsExactly("com.acme", "org.example.Only");
    assertThat(c.memoryLimitBytes()).isEqualTo(256L << 20);
    assertThat(c.maxTasksPerWorker()).isEqualTo(100);
    assertThat(c.pipelineDepth()).isEqualTo(32);
    assertThat(c.startTimeout().toSeconds()).isEqualTo(5);
  }

  @Test
  void memoryLimitCanBeAShareOfTheMachine() {
    PoolConfig c = PoolConfig.parse(1, Map.of("memoryLimitPercent", "10"));
    long total = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    assertThat(c.memoryLimitBytes()).isEqualTo((long) (total * 0.10));
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> PoolConfig.parse(1, Map.of("memoryLimitMb", "lots")))
        .hasMessage("option memoryLimitMb must be a positive whole number, got 'lots'");
    assertThatThrownBy(() -> PoolConfig.parse(1, Map.of("memoryLimitPercent", "150")))
        .hasMessageContaining("memoryLimitPercent must be a number in (0, 100], got '150'");
    assertThatThrownBy(() -> PoolConfig.parse(1,
        Map.of("memoryLimitPercent", "5", "memoryLimitMb", "5")))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> PoolConfig.parse(1, Map.of("jvmOptions", "-Xmx1g Xss2m")))
        .hasMessageContaining("'Xss2m'");
    assertThatThrownBy(() -> PoolConfig.parse(0, Map.of()))
        .hasMessageContaining("workers must be positive, got 0");
    assertThatThrownBy(() -> PoolConfig.parse(1, Map.of("join", "x")))
        .hasMessageContaining("unknown option 'join'");
  }

  @Test
  void equalConfigurationsShareAKey() {
    assertThat(PoolConfig.parse(2, Map.of("pipelineDepth", "4", "memoryLimitMb", "9")).key())
        .isEqualTo(PoolConfig.parse(2, Map.of("memoryLimitMb", "9", "pipelineDepth", "4")).key())
        .isNotEqualTo(PoolConfig.parse(3, Map.of("memoryLimitMb", "9", "pipelineDepth", "4"))
            .key());
  }
}

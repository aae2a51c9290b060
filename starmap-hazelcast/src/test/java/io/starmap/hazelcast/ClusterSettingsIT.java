package io.starmap.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSettingsIT {
  @TempDir Path home;
  private String homeBefore;

  /** The system property wins over the environment's STARMAP_HOME: it names this test's home. */
  @BeforeEach
  void pointTheHomePropertyHere() {
    homeBefore = System.setProperty("starmap.home", home.toString());
  }

  @AfterEach
  void putTheHomePropertyBack() {
    if (homeBefore == null) {
      System.clearProperty("starmap.home");
    } else {
      System.setProperty("starmap.home", homeBefore);
    }
  }

  @Test
  void optionsWinOverTheEnvironmentWhichWinsOverTheLocalWorkersAndTheDefaults() {
    Map<String, String> env = Map.of("STARMAP_HOME", home.toString(),
        "STARMAP_CLUSTER_JOIN", "10.0.0.5:5701,10.0.0.6:5701",
        "STARMAP_CLUSTER_SECRET", "from-the-environment");
    ClusterSettings s = ClusterSettings.from(Map.of("cluster", "prod"), env);
    assertThat(s.cluster()).isEqualTo("prod");
    assertThat(s.join()).containsExactly("10.0.0.5:5701", "10.0.0.6:5701");
    assertThat(s.secret()).isEqualTo("from-the-environment");
    assertThat(s.includeMaster()).isFalse();
    assertThat(s.minMembers()).isEqualTo(1);

    LocalWorkers.writeCluster(LocalWorkers.directory(env),
        new LocalWorkers.Cluster("local", List.of("127.0.0.1:5801"), "recorded-secret"));
    ClusterSettings local = ClusterSettings.from(Map.of(), Map.of("STARMAP_HOME",
        home.toString()));
    assertThat(local.cluster()).isEqualTo("local");
    assertThat(local.join()).containsExactly("127.0.0.1:5801");
    assertThat(local.secret()).isEqualTo("recorded-secret");
  }

  @Test
  void withoutASecretTheMessageSaysHowToGiveOne() {
    assertThatThrownBy(() -> ClusterSettings.from(Map.of(), Map.of("STARMAP_HOME",
        home.toString()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("STARMAP_CLUSTER_SECRET").hasMessageContaining("workers start");
  }

  @Test
  void badValuesAreNamed() {
    Map<String, String> env = Map.of("STARMAP_HOME", home.toString());
    assertThatThrownBy(() -> ClusterSettings.from(Map.of("secret", "short"), env))
        .hasMessageContaining("at least 8 characters");
    assertThatThrownBy(() -> ClusterSettings.from(Map.of("secret", "long-enough",
        "join", "127.0.0.1:5701-5720"), env)).hasMessageContaining("127.0.0.1:5701-5720");
    assertThatThrownBy(() -> ClusterSettings.from(Map.of("secret", "long-enough",
        "includeMaster", "maybe"), env)).hasMessageContaining("includeMaster")
        .hasMessageContaining("maybe");
    assertThatThrownBy(() -> new WorkerSettings("c", "0.0.0.0", 0, List.of(), "long-enough", 1,
        List.of())).hasMessageContaining("wildcard");
  }

  @Test
  void theSecretIsNeverPrinted() {
    ClusterSettings s = ClusterSettings.of("c", List.of("127.0.0.1:5701"), "very-secret-value");
    assertThat(s.toString()).doesNotContain("very-secret-value").contains("***");
    assertThat(WorkerSettings.of("c", "very-secret-value").toString())
        .doesNotContain("very-secret-value");
  }
}

package io.starmap.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.core.Starmap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SecretsTest {
  static final String PASSWORD = "Hunter2Swordfish";

  @TempDir Path home;

  @Test
  void redactsUrlUserInfoAndPasswordSettings() {
    assertThat(Secrets.redact("postgresql://alice:" + PASSWORD + "@db:5432/x"))
        .isEqualTo("postgresql://alice:***@db:5432/x");
    assertThat(Secrets.redact("jdbc:postgresql://bob:" + PASSWORD + "@h/db?ssl=true"))
        .isEqualTo("jdbc:postgresql://bob:***@h/db?ssl=true");
    assertThat(Secrets.redact("jdbc:postgresql://h/db?user=u&password=" + PASSWORD + "&ssl=1"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=1");
    assertThat(Secrets.redact("host=h password=" + PASSWORD + " user=u"))
        .isEqualTo("host=h password=*** user=u");
    assertThat(Secrets.redact("{\"password\": \"" + PASSWORD + "\"}"))
        .isEqualTo("{\"password\": \"***\"}");
    assertThat(Secrets.redact("PGPASSWORD=" + PASSWORD)).isEqualTo("PGPASSWORD=***");
    assertThat(Secrets.redact("import 5 files into price")).isEqualTo("import 5 files into price");
    assertThat(Secrets.redact("http://example.org/a@b")).isEqualTo("http://example.org/a@b");
    assertThat(Secrets.redact("db.password", PASSWORD)).isEqualTo("***");
    assertThat(Secrets.redact(null)).isNull();
  }

  @Test
  void aPasswordWithARawAtSignOrAUserWithOneIsMaskedWhole() {
    // As DatabaseUrl parses it: the user info ends at the last '@' before the path.
    assertThat(Secrets.redact("--db postgresql://u:Pw@x9Secret@h/db --table t"))
        .isEqualTo("--db postgresql://u:***@h/db --table t");
    assertThat(Secrets.redact("postgresql://me@corp:Pw9Secret@h:5432/db"))
        .isEqualTo("postgresql://me@corp:***@h:5432/db");
    assertThat(Secrets.redactWith("FATAL: bad p@ss%word or p%40ss%25word", "p@ss%word"))
        .isEqualTo("FATAL: bad *** or ***");
  }

  @Test
  void noPasswordReachesTheDatabaseOrTheDatastore() throws IOException {
    String url = "postgresql://loader:" + PASSWORD + "@localhost:5432/prices";
    long id;
    try (CalculationStore store = CalculationStore.open(home);
         Calculation calc = store.start("import", "import into " + url,
             Map.of("url", url, "password", PASSWORD, "workers", "2"))) {
      id = calc.id();
      calc.log(System.Logger.Level.INFO, "connecting to " + url + " with password=" + PASSWORD);
      Starmap<Integer, Integer> smap = Starmap.<Integer, Integer>builder("load " + url,
          (x, ctx) -> {
            try (var m = ctx.measure("copy password=" + PASSWORD)) {
              return x;
            }
          }).executor("threads").workers(2).recorder(calc).build();
      smap.reduce(List.of(1, 2, 3), 0, Integer::sum);
      calc.put("results/conn", g -> g.attr("url", url).put("urls", new String[] {url}));
      calc.fail(new IllegalStateException("cannot connect to " + url));
    }
    try (CalculationStore store = CalculationStore.open(home)) {
      HtmlReport.write(store, id, home.resolve("report.html"));
      assertThat(store.get(id).description()).contains("loader:***@localhost");
      assertThat(store.get(id).parameters()).contains("password=***");
      assertThat(store.get(id).error()).contains("loader:***@");
    }
    assertThat(filesContaining(PASSWORD)).isEmpty();
    assertThat(Files.list(home).map(p -> p.getFileName().toString()))
        .contains("db.sqlite", "calc_" + id + ".hdf5", "report.html");
  }

  private List<Path> filesContaining(String secret) throws IOException {
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(home)) {
      return files.filter(Files::isRegularFile).filter(p -> {
        try {
          return indexOf(Files.readAllBytes(p), needle) >= 0;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

package io.starmap.importer.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passwords found as psql finds them: nothing on the command line. */
class PgPassTest {
  @TempDir Path dir;

  private Path file(String name, String text, String perms) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
    return f;
  }

  private static DatabaseUrl url(String s) {
    return DatabaseUrl.parse(s);
  }

  @Test
  void readsLibpqPasswordFilesWithWildcardsEscapesAndFirstMatch() throws IOException {
    Path f = file("pgpass", """
        # comment
        other:5432:*:alice:wrong
        db.example:6543:prices:alice:first\\:pw\\\\x
        *:*:*:alice:second
        *:*:*:bob:pw:with:colons
        """, "rw-------");
    String q = "?passfile=" + f;
    assertThat(PgPass.resolve(url("postgresql://alice@db.example:6543/prices" + q), Map.of()))
        .contains("first:pw\\x");
    assertThat(PgPass.resolve(url("postgresql://alice@db.example:6544/prices" + q), Map.of()))
        .contains("second");
    assertThat(PgPass.resolve(url("postgresql://bob@h/d" + q), Map.of()))
        .contains("pw:with:colons");
    assertThat(PgPass.resolve(url("postgresql://carol@h/d" + q), Map.of())).isEmpty();
  }

  @Test
  void aFileOthersMayReadIsIgnoredAsLibpqDoes() throws IOException {
    Path f = file("pgpass", "*:*:*:*:pw\n", "rw-r--r--");
    assertThat(PgPass.resolve(url("postgresql://a@h/d?passfile=" + f), Map.of())).isEmpty();
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertThat(PgPass.resolve(url("postgresql://a@h/d?passfile=" + f), Map.of())).contains("pw");
  }

  @Test
  void lookupOrderUrlThenPassfileThenPgpasswordThenPgpassfile() throws IOException {
    Path passfile = file("a", "*:*:*:*:from-passfile\n", "rw-------");
    Path pgpassfile = file("b", "*:*:*:*:from-pgpassfile\n", "rw-------");
    Map<String, String> env = Map.of("PGPASSWORD", "from-env", "PGPASSFILE", pgpassfile.toString());
    assertThat(PgPass.resolve(url("postgresql://a:own@h/d?passfile=" + passfile), env))
        .contains("own");
    assertThat(PgPass.resolve(url("postgresql://a@h/d?passfile=" + passfile), env))
        .contains("from-passfile");
    assertThat(PgPass.resolve(url("postgresql://a@h/d"), env)).contains("from-env");
    assertThat(PgPass.resolve(url("postgresql://a@h/d"),
        Map.of("PGPASSFILE", pgpassfile.toString()))).contains("from-pgpassfile");
    assertThat(PgPass.resolve(url("postgresql://a@h/d"),
        Map.of("PGPASSFILE", dir.resolve("none").toString()))).isEqualTo(Optional.empty());
  }
}

package io.starmap.embedded.internal;

import io.starmap.core.internal.util.OwnerOnly;
import io.starmap.embedded.EmbeddedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the embedded PostgreSQL keeps other local users out: every connection must give the password
 * of the cluster's only role (SCRAM-SHA-256), which only the owner of {@code $STARMAP_HOME} can
 * read.
 *
 * <p>Why a password over TCP and not a Unix socket in a 0700 directory: pgjdbc reaches a Unix socket
 * only through a native socket factory, a new dependency; and the server must stay reachable over
 * TCP for psql and for the JDBC driver alike. Loopback TCP with a password that only the owner can
 * read gives the same protection: a local user can connect to the port but cannot log in.
 *
 * <p>The password (32 random bytes, base64url) is kept in {@code pg/pgpass}, mode 0600, in the
 * format of libpq's password file ({@code 127.0.0.1:*:*:postgres:PASSWORD}: any port, because the
 * port may change between starts), so that {@code psql "postgresql://...?passfile=.../pgpass"}
 * finds it without it ever being printed or put on a command line. Starmap owns {@code
 * pg_hba.conf}: it allows only {@code scram-sha-256} from 127.0.0.1, and any other content (the
 * {@code trust} of a cluster made by an older Starmap) is replaced before the server starts.
 *
 * <p>A new password is first written to {@code pg/pgpass.new} and moved to {@code pg/pgpass} only
 * once the cluster has it, so a crash in between never leaves a file that does not open the
 * cluster: the next start sets the password of {@code pgpass.new} again.
 */
public final class EmbeddedAuth {
  /** The whole of pg_hba.conf: nothing but a password from loopback; no {@code trust} at all. */
  public static final String HBA = """
      # Written by Starmap, which replaces any other content at the next start of the server:
      # a password (scram-sha-256) for every connection; only from 127.0.0.1, where it listens.
      # TYPE  DATABASE  USER  ADDRESS       METHOD
      host    all       all   127.0.0.1/32  scram-sha-256
      """;

  private static final SecureRandom RANDOM = new SecureRandom();
  /**
   * PBKDF2 iterations of the role's SCRAM verifier. Iterations slow down the guessing of a
   * password from a stolen verifier, which matters for passwords that people choose; this one is
   * 256 random bits, which no number of guesses finds. Every connection pays them on the client:
   * with 4096 iterations (the server's default) the import of the talk's data set took 0.1 to
   * 0.35 s more CPU than with one when it opened a connection per task (the same build, 4
   * alternating runs, 2026-12-04), and 0.07 s more with its four connections against Debian's
   * PostgreSQL 15 (docs/benchmarks.md, 2026-12-07).
   */
  public static final int SCRAM_ITERATIONS = 1;

  private final Path dir;

  /** The authentication of the server whose state is in {@code dir}. */
  public EmbeddedAuth(Path dir) {
    this.dir = dir;
  }

  /** The password file, in libpq's format: what {@code passfile=} of the server's URL names. */
  public Path passFile() {
    return dir.resolve("pgpass");
  }

  private Path pendingFile() {
    return dir.resolve("pgpass.new");
  }

  /** A new random password, written to {@code pgpass.new} (0600) before anything else uses it. */
  public String newPassword() throws IOException {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String pw = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    OwnerOnly.writeString(pendingFile(), "127.0.0.1:*:*:" + EmbeddedServer.USER + ":" + pw
        + "\n");
    return pw;
  }

  /**
   * Writes the SCRAM verifier of {@code password} to a new 0600 file for {@code initdb --pwfile}
   * (the server keeps a verifier given as the password as it is: so the role gets {@link
   * #SCRAM_ITERATIONS}, and the password itself never reaches initdb); the caller deletes it.
   */
  public Path pwFile(String password) throws IOException {
    Path f = dir.resolve("initdb.pw");
    OwnerOnly.writeString(f, scramVerifier(password) + "\n");
    return f;
  }

  /**
   * Makes the cluster in {@code data} (stopped) require the password: when {@code pg_hba.conf} is
   * not Starmap's, or the password file is missing or pending, sets the role's password with
   * {@code singleUser} (which runs SQL in single-user mode: no connection is possible meanwhile),
   * then writes {@code pg_hba.conf}, then commits the password file. Does nothing when all is in
   * place already.
   */
  public void secure(Path data, Consumer<String> singleUser) throws IOException {
    boolean hbaOk = hbaIsOurs(data);
    String password = passwordIn(pendingFile());
    if (password == null && hbaOk && passwordIn(passFile()) != null) {
      return;
    }
    if (password == null) {
      password = passwordIn(passFile());
    }
    if (password == null) {
      password = newPassword();
    }
    singleUser.accept("ALTER ROLE " + EmbeddedServer.USER + " PASSWORD '"
        + scramVerifier(password) + "';\n");
    writeHba(data);
    commit();
  }

  /** Whether {@code pg_hba.conf} of {@code data} is Starmap's (password only, no trust). */
  public boolean hbaIsOurs(Path data) throws IOException {
    return HBA.equals(readOrNull(data.resolve("pg_hba.conf")));
  }

  /** Replaces {@code pg_hba.conf} of {@code data} with Starmap's. */
  public void writeHba(Path data) throws IOException {
    OwnerOnly.writeString(data.resolve("pg_hba.conf"), HBA);
  }

  /** Makes a pending password the password (once the cluster has it). */
  public void commit() throws IOException {
    if (Files.exists(pendingFile())) {
      Files.move(pendingFile(), passFile(), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** The password of the first line of a password file of ours, or null if it has none. */
  private static String passwordIn(Path file) throws IOException {
    String text = readOrNull(file);
    if (text == null) {
      return null;
    }
    for (String line : text.lines().toList()) {
      List<String> f = List.of(line.split(":", 5));
      if (f.size() == 5 && !f.get(4).isEmpty()) {
        return f.get(4);
      }
    }
    return null;
  }

  private static String readOrNull(Path f) throws IOException {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /**
   * The SCRAM-SHA-256 verifier of {@code password} (RFC 5802/7677, PostgreSQL's format): given to
   * {@code ALTER ROLE} instead of the password, so that the password itself never reaches the
   * server's log, even in an error message quoting the statement.
   */
  public static String scramVerifier(String password) {
    try {
      byte[] salt = new byte[16];
      RANDOM.nextBytes(salt);
      SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      byte[] salted = f.generateSecret(new PBEKeySpec(password.toCharArray(), salt,
          SCRAM_ITERATIONS, 256)).getEncoded();
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      byte[] serverKey = hmac(salted, "Server Key");
      Base64.Encoder b64 = Base64.getEncoder();
      return "SCRAM-SHA-256$" + SCRAM_ITERATIONS + ":" + b64.encodeToString(salt) + "$"
          + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks PBKDF2WithHmacSHA256 or HmacSHA256, which "
          + "SCRAM-SHA-256 needs", e);
    }
  }

  private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
  }
}

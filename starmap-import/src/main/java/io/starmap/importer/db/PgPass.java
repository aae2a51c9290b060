package io.starmap.importer.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the password of a connection the way libpq (psql) does, so that a password never has to be
 * written on a command line, where every local user reads it in {@code /proc/PID/cmdline}.
 *
 * <p>The order: the URL's own password; then the file named by the URL's {@code passfile}
 * parameter; then {@code $PGPASSWORD}; then {@code $PGPASSFILE}, else {@code ~/.pgpass}. libpq
 * ranks {@code $PGPASSWORD} above a {@code passfile} parameter; here an explicit {@code passfile}
 * in the URL wins, because that is how the embedded server's URL names its own password, and a
 * {@code PGPASSWORD} meant for another server must not break it.
 *
 * <p>A password file has lines {@code host:port:database:user:password}, {@code *} matching
 * anything, {@code \:} and {@code \\} escaping, {@code #} starting a comment; the first matching
 * line wins. As libpq does, a file that group or others may read, or that is not a regular file,
 * is ignored (with a warning on the {@code starmap} logger).
 */
final class PgPass {
  private static final System.Logger LOG = System.getLogger("starmap");

  private PgPass() {}

  /** The password for {@code url}, or empty when nothing provides one. */
  static Optional<String> resolve(DatabaseUrl url, Map<String, String> env) {
    if (url.password() != null) {
      return Optional.of(url.password());
    }
    String passfile = url.params().get(DatabaseUrl.PASSFILE);
    if (passfile != null && !passfile.isEmpty()) {
      return lookup(Path.of(passfile), url);
    }
    String pw = env.get("PGPASSWORD");
    if (pw != null && !pw.isEmpty()) {
      return Optional.of(pw);
    }
    String file = env.get("PGPASSFILE");
    if (file != null && !file.isEmpty()) {
      return lookup(Path.of(file), url);
    }
    String home = System.getProperty("user.home");
    return home == null ? Optional.empty() : lookup(Path.of(home, ".pgpass"), url);
  }

  /** The password of the first line of {@code file} that matches {@code url}. */
  static Optional<String> lookup(Path file, DatabaseUrl url) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(file)) {
      LOG.log(System.Logger.Level.WARNING, "password file " + file
          + " is not a plain file: it is ignored");
      return Optional.empty();
    }
    List<String> lines;
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP_")
          || p.name().startsWith("OTHERS_"))) {
        LOG.log(System.Logger.Level.WARNING, "password file " + file + " has group or world "
            + "access; permissions should be u=rw (0600) or less: it is ignored");
        return Optional.empty();
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (UnsupportedOperationException e) {
      return Optional.empty();
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot read password file " + file + ": " + e);
      return Optional.empty();
    }
    String user = url.user() != null ? url.user() : System.getProperty("user.name", "");
    for (String line : lines) {
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      List<String> f = fields(line);
      if (f.size() == 5 && matches(f.get(0), url.host()) && matches(f.get(1),
          Integer.toString(url.port())) && matches(f.get(2), url.database())
          && matches(f.get(3), user)) {
        return Optional.of(f.get(4));
      }
    }
    return Optional.empty();
  }

  private static boolean matches(String pattern, String value) {
    return pattern.equals("*") || pattern.equals(value);
  }

  /** The fields of a line: split at unescaped ':', with {@code \:} and {@code \\} unescaped. */
  private static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        sb.append(line.charAt(++i));
      } else if (c == ':' && out.size() < 4) {
        // The password is the rest of the line: libpq lets it hold a raw ':' too.
        out.add(sb.toString());
        sb.setLength(0);
      } else {
        sb.append(c);
      }
    }
    out.add(sb.toString());
    return out;
  }
}

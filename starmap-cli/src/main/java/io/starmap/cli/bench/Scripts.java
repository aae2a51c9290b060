package io.starmap.cli.bench;

import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The quoting and the files of the scripts and logs the benchmark writes. */
final class Scripts {
  private Scripts() {}

  /** A SQL string literal. */
  static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A shell word. */
  static String shq(Object s) {
    return "'" + s.toString().replace("'", "'\\''") + "'";
  }

  /** {@code s} as a file name: lower case, runs of other characters as one dash. */
  static String slug(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  /** Writes {@code text} as a new file, mode 600 from its creation (it may be in the home). */
  static void writeOwnerOnly(Path file, CharSequence text) throws IOException {
    Files.deleteIfExists(file);
    try (var out = OwnerOnly.newOutputStream(file)) {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
    }
  }
}

package io.starmap.store;

import java.util.regex.Pattern;

/**
 * Removes passwords from text before it is written to a record: the calculation database, the
 * HDF5 datastore and the report all go through {@link #redact(String)}.
 *
 * <p>Two shapes are recognised, because they are how passwords reach descriptions, parameters and
 * error messages in practice: the user info of a URL ({@code postgresql://user:pw@host}, also
 * inside {@code jdbc:} URLs) and key-value settings whose key names a secret ({@code password=pw},
 * {@code "password": "pw"}, {@code PGPASSWORD=pw}, {@code token: pw}).
 */
public final class Secrets {
  /** What a removed secret is replaced with. */
  public static final String MASK = "***";

  // The user info ends at the LAST '@' before the path, query or a blank, as DatabaseUrl parses it:
  // a password with a raw '@' (postgresql://u:Pw@x9@host/db) is masked whole, and a user with a raw
  // '@' does not stop the password from being found.
  private static final Pattern URL_USER_INFO = Pattern.compile(
      "([A-Za-z][A-Za-z0-9+.-]*://)([^:/?\\s]*):([^/?\\s]*)@");
  private static final Pattern KEY_VALUE = Pattern.compile(
      "(?i)([\"']?\\b[a-z_]*(?:password|passwd|pwd|secret|token)\\b[\"']?\\s*[=:]\\s*)"
          + "(\"[^\"]*\"|'[^']*'|[^\\s&;,\"'}]+)");
  private static final Pattern SECRET_KEY = Pattern.compile(
      "(?i).*(password|passwd|pwd|secret|token).*");

  private Secrets() {}

  /**
   * {@code text} with every password replaced by {@value #MASK}; null stays null.
   *
   * @param text any text, such as a URL, a command line or an error message; may be null
   * @return the text with passwords masked, or the same text when it holds none
   */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = URL_USER_INFO.matcher(text).replaceAll("$1$2:" + MASK + "@");
    out = KEY_VALUE.matcher(out).replaceAll(m -> {
      String value = m.group(2);
      String masked = value.startsWith("\"") ? "\"" + MASK + "\""
          : value.startsWith("'") ? "'" + MASK + "'" : MASK;
      return java.util.regex.Matcher.quoteReplacement(m.group(1) + masked);
    });
    return out;
  }

  /**
   * {@code text} redacted as by {@link #redact(String)}, and also with every occurrence of each
   * known secret replaced by {@value #MASK}, as written and percent-encoded: the form for any text
   * that may quote a password whose value is known (an error about the URL that holds it, a
   * server's message). Null, empty and blank secrets are ignored.
   *
   * @param text any text; may be null
   * @param secrets the known secrets to mask, such as a resolved password
   * @return the redacted text
   */
  public static String redactWith(String text, String... secrets) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String secret : secrets) {
      if (secret == null || secret.isBlank()) {
        continue;
      }
      out = out.replace(secret, MASK);
      String encoded = java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8);
      out = out.replace(encoded, MASK).replace(encoded.replace("+", "%20"), MASK);
    }
    return redact(out);
  }

  /**
   * The value of a setting named {@code key}, masked entirely when the key names a secret.
   *
   * @param key the setting's name, such as {@code password} or {@code url}
   * @param value the setting's value; may be null
   * @return {@value #MASK} when the key names a secret and the value is not null, else the value
   *     redacted as by {@link #redact(String)}
   */
  public static String redact(String key, String value) {
    if (key != null && SECRET_KEY.matcher(key).matches()) {
      return value == null ? null : MASK;
    }
    return redact(value);
  }
}

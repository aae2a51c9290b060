package io.starmap.importer.db;

import io.starmap.store.Secrets;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Where a PostgreSQL database is and how to log in: parsed from {@code postgresql://user:pass@host:port/db?k=v},
 * {@code postgres://...} or {@code jdbc:postgresql://host:port/db?user=..&password=..}.
 *
 * <p>The password never appears in {@link #toString()}, {@link #redacted()}, {@link #jdbcUrl()} or
 * in the message of a malformed URL: it travels only in {@link #connectionProperties()} and {@link
 * #psqlUrl()}. A URL without a password takes it, as psql does, from a {@code passfile=} parameter,
 * {@code $PGPASSWORD}, {@code $PGPASSFILE} or {@code ~/.pgpass} (see {@link #resolvedPassword()}),
 * so that no password needs to be on a command line.
 *
 * @param host host name or address (IPv6 without brackets)
 * @param port TCP port
 * @param database database name
 * @param user user name, or {@code null} for the driver's default
 * @param password password, or {@code null}
 * @param params the other parameters of the URL, in order (for example {@code sslmode})
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
    Map<String, String> params) {

  /** The port PostgreSQL listens on unless told otherwise. */
  public static final int DEFAULT_PORT = 5432;

  /**
   * The parameter naming a password file (libpq's, PostgreSQL 10+): read by Starmap too, never
   * passed to the JDBC driver.
   */
  public static final String PASSFILE = "passfile";

  /** Parameters that libpq (psql) understands in a connection URI; the others are JDBC-only. */
  private static final Set<String> LIBPQ_PARAMS = Set.of(PASSFILE, "sslmode", "connect_timeout",
      "application_name", "options", "sslrootcert", "sslcert", "sslkey", "target_session_attrs",
      "gssencmode", "channel_binding", "keepalives", "client_encoding");

  /** Validates and copies the parameters. */
  public DatabaseUrl {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("database URL has no host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("database port " + port + " is not in 1..65535");
    }
    if (database == null || database.isBlank()) {
      throw new IllegalArgumentException("database URL has no database name");
    }
    // Sorted so that the URLs built from it are stable whatever order the parameters came in.
    params = java.util.Collections.unmodifiableMap(
        new java.util.TreeMap<>(params == null ? Map.of() : params));
  }

  /**
   * Parses a database URL.
   *
   * @param url a {@code postgresql://}, {@code postgres://} or {@code jdbc:postgresql://} URL
   * @return the parsed URL
   * @throws IllegalArgumentException naming the redacted URL and what is wrong with it
   */
  public static DatabaseUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("empty database URL: expected "
          + "postgresql://user:password@host:port/database or jdbc:postgresql://host:port/database");
    }
    String s = url.strip();
    try {
      if (s.startsWith("jdbc:postgresql://")) {
        return parseHierarchical(s.substring("jdbc:postgresql://".length()), true);
      }
      if (s.startsWith("postgresql://")) {
        return parseHierarchical(s.substring("postgresql://".length()), false);
      }
      if (s.startsWith("postgres://")) {
        return parseHierarchical(s.substring("postgres://".length()), false);
      }
      throw new IllegalArgumentException("unsupported scheme: expected "
          + "postgresql://user:password@host:port/database or jdbc:postgresql://host:port/database");
    } catch (IllegalArgumentException e) {
      // Whatever went wrong, the message shows neither the password as written nor as decoded.
      String[] secrets = passwordsIn(s);
      throw new IllegalArgumentException("bad database URL " + redact(s, secrets) + ": "
          + redact(e.getMessage(), secrets), e);
    }
  }

  /**
   * The passwords that {@code url} may hold, as written and decoded where decodable, found with
   * the parser's own rules (user info up to the last '@' before the path; {@code password=} in the
   * query): what {@link #parse} masks in its messages.
   */
  private static String[] passwordsIn(String url) {
    List<String> found = new ArrayList<>();
    int scheme = url.indexOf("://");
    String rest = scheme >= 0 ? url.substring(scheme + 3) : url;
    int q = rest.indexOf('?');
    String query = q >= 0 ? rest.substring(q + 1) : "";
    String authority = q >= 0 ? rest.substring(0, q) : rest;
    int slash = authority.indexOf('/');
    authority = slash >= 0 ? authority.substring(0, slash) : authority;
    int at = authority.lastIndexOf('@');
    int colon = at >= 0 ? authority.indexOf(':') : -1;
    if (colon >= 0 && colon < at) {
      found.add(authority.substring(colon + 1, at));
    }
    for (String pair : query.split("[&#]")) {
      if (pair.regionMatches(true, 0, "password=", 0, 9)) {
        found.add(pair.substring(9));
      }
    }
    for (String raw : List.copyOf(found)) {
      try {
        found.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // Not decodable: masked as written.
      }
    }
    return found.toArray(String[]::new);
  }

  private static DatabaseUrl parseHierarchical(String rest, boolean jdbc) {
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    int hash = query.indexOf('#');
    if (hash >= 0) {
      query = query.substring(0, hash);
    }
    String path = "";
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      path = rest.substring(slash + 1);
      rest = rest.substring(0, slash);
    }
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      if (colon >= 0) {
        user = decode(userInfo.substring(0, colon));
        password = decodeSecret(userInfo.substring(colon + 1));
      } else {
        user = decode(userInfo);
      }
    }
    if (rest.contains(",")) {
      throw new IllegalArgumentException("several hosts are not supported");
    }
    HostPort hostPort = hostPort(rest, jdbc);
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : queryParameters(query).entrySet()) {
      String k = e.getKey();
      String v = e.getValue();
      switch (k) {
        case "user" -> user = v;
        case "password" -> password = v;
        case "dbname" -> path = v;
        case "host", "port" -> throw new IllegalArgumentException(
            "put the " + k + " in the authority part, not in the parameters");
        default -> params.put(k, v);
      }
    }
    String database = decode(path);
    if (database.isEmpty()) {
      database = user != null && !user.isEmpty() ? user : "postgres";
    }
    if (database.contains("/")) {
      throw new IllegalArgumentException("database name '" + database + "' contains '/'");
    }
    return new DatabaseUrl(hostPort.host(), hostPort.port(), database,
        user == null || user.isEmpty() ? null : user, password, params);
  }

  private record HostPort(String host, int port) {}

  /** The host and port of an authority without its user: {@code host:port}, {@code [v6]:port}. */
  private static HostPort hostPort(String rest, boolean jdbc) {
    String host;
    int port = DEFAULT_PORT;
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '[' in IPv6 host");
      }
      host = rest.substring(1, close);
      String after = rest.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw new IllegalArgumentException("unexpected '" + after + "' after the host");
        }
        port = parsePort(after.substring(1));
      }
    } else {
      int colon = rest.lastIndexOf(':');
      if (colon >= 0) {
        host = rest.substring(0, colon);
        port = parsePort(rest.substring(colon + 1));
      } else {
        host = rest;
      }
    }
    host = decode(host);
    if (host.isEmpty()) {
      if (jdbc) {
        throw new IllegalArgumentException("no host");
      }
      host = "localhost";
    }
    return new HostPort(host, port);
  }

  /** The query's parameters, decoded, in order (a password's value as a secret). */
  private static Map<String, String> queryParameters(String query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq >= 0 ? pair.substring(0, eq) : pair);
      String v = eq < 0 ? "" : k.equals("password") ? decodeSecret(pair.substring(eq + 1))
          : decode(pair.substring(eq + 1));
      parameters.put(k, v);
    }
    return parameters;
  }

  private static int parsePort(String p) {
    if (p.isEmpty()) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(p);
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port " + p + " is not in 1..65535");
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port '" + p + "' is not a number");
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad percent-encoding in '" + s + "'");
    }
  }

  /** Decodes a password; an error names where it is, never what it is. */
  private static String decodeSecret(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad percent-encoding in the password (write '%' as "
          + "'%25')");
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Hides the passwords of any text that looks like a database URL (also unparseable ones), with
   * the project's one rule for secrets ({@link Secrets#redact(String)}).
   *
   * @param url any text; null gives null
   * @return the text with the password of every URL in it replaced by {@code ***}
   */
  public static String redact(String url) {
    return Secrets.redact(url);
  }

  /**
   * {@code text} with the passwords of any URL in it hidden, and also every occurrence of the
   * given passwords (as written and percent-encoded): the one function for any text that may
   * quote a known password.
   *
   * @param text any text
   * @param passwords known passwords to mask as well; null or empty ones are ignored
   * @return the text with those passwords masked
   */
  public static String redact(String text, String... passwords) {
    return Secrets.redactWith(text, passwords);
  }

  /**
   * This URL's password (see {@link #resolvedPassword()}) masked in {@code text}.
   *
   * @param text any text, such as a server's error message
   * @return the text with this URL's password masked; unchanged when it has none
   */
  public String redactIn(String text) {
    return redact(text, password, resolvedPassword().orElse(null));
  }

  /**
   * The password to log in with: this URL's own, else the one psql would find (the {@code
   * passfile} parameter, {@code $PGPASSWORD}, {@code $PGPASSFILE} or {@code ~/.pgpass}, see
   * {@link PgPass}), else empty.
   *
   * @return the password, or empty when none is found; read from the files each time
   */
  public java.util.Optional<String> resolvedPassword() {
    return PgPass.resolve(this, System.getenv());
  }

  /**
   * This URL with {@code newPassword} (null: none) as its password.
   *
   * @param newPassword the new password, or null for none
   * @return a copy; this URL is unchanged
   */
  public DatabaseUrl withPassword(String newPassword) {
    return new DatabaseUrl(host, port, database, user, newPassword, params);
  }

  /**
   * This URL with the parameter {@code key} set to {@code value}.
   *
   * @param key the parameter's name, such as {@code sslmode}
   * @param value its value; not null
   * @return a copy with the parameter set or replaced; this URL is unchanged
   */
  public DatabaseUrl withParam(String key, String value) {
    Map<String, String> p = new LinkedHashMap<>(params);
    p.put(key, value);
    return new DatabaseUrl(host, port, database, user, password, p);
  }

  private String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private String query(Map<String, String> p) {
    if (p.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    p.forEach((k, v) -> sb.append(sb.length() == 0 ? '?' : '&').append(encode(k)).append('=')
        .append(encode(v)));
    return sb.toString();
  }

  /**
   * The JDBC URL, without user or password (they are in {@link #connectionProperties()}).
   *
   * @return a {@code jdbc:postgresql://host:port/database} URL with the other parameters
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + hostPort() + "/" + encode(database) + query(jdbcParams());
  }

  private Map<String, String> jdbcParams() {
    Map<String, String> p = new java.util.TreeMap<>(params);
    p.remove(PASSFILE);
    return p;
  }

  /**
   * The driver properties: user, the {@linkplain #resolvedPassword() resolved} password and the
   * URL's other parameters.
   *
   * @return new properties, owned by the caller
   */
  public Properties connectionProperties() {
    Properties p = new Properties();
    jdbcParams().forEach(p::setProperty);
    if (user != null) {
      p.setProperty("user", user);
    }
    resolvedPassword().ifPresent(pw -> p.setProperty("password", pw));
    return p;
  }

  /**
   * The URL with the password replaced by {@code ***}: the form for messages, logs and records.
   *
   * @return the URL with its password masked
   */
  public String redacted() {
    return url("***", params);
  }

  /**
   * A {@code postgresql://} URL that psql (libpq) and this class both accept, password included.
   *
   * @return the URL with its password in clear: never log it
   */
  public String psqlUrl() {
    Map<String, String> libpq = new LinkedHashMap<>();
    params.forEach((k, v) -> {
      if (LIBPQ_PARAMS.contains(k)) {
        libpq.put(k, v);
      }
    });
    return url(password == null ? null : encode(password), libpq);
  }

  private String url(String passwordText, Map<String, String> p) {
    StringBuilder sb = new StringBuilder("postgresql://");
    if (user != null) {
      sb.append(encode(user));
      if (password != null) {
        sb.append(':').append(passwordText);
      }
      sb.append('@');
    }
    return sb.append(hostPort()).append('/').append(encode(database)).append(query(p)).toString();
  }

  /** The redacted URL. */
  @Override
  public String toString() {
    return redacted();
  }
}

package io.starmap.ui.internal;

import com.sun.net.httpserver.HttpExchange;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may talk to the server: the holder of its token, through a {@code Host} that names the
 * server (a DNS name that now points here is refused: DNS rebinding), and for actions from a page
 * of this server only ({@code Origin}). The token is 256 random bits; comparisons take the same
 * time whatever the guess.
 */
public final class Guard {
  /** What a check decided: go on, or answer with this status and reason. */
  public record Verdict(int status, String reason) {
    static final Verdict OK = new Verdict(0, "");

    boolean ok() {
      return status == 0;
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private final String token;
  private final byte[] tokenBytes;
  private final int port;
  private final Set<String> hosts;
  private final boolean anyAddress;
  private final String origin;
  private final String cookie;

  /** A guard with a fresh token for a server on {@code bind}:{@code port}. */
  public Guard(InetAddress bind, int port) {
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    this.token = HexFormat.of().formatHex(random);
    this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
    this.port = port;
    this.anyAddress = bind.isAnyLocalAddress();
    String literal = literal(bind);
    this.hosts = bind.isLoopbackAddress()
        ? Set.copyOf(List.of(literal + ":" + port, "localhost:" + port, "127.0.0.1:" + port,
            "[::1]:" + port))
        : Set.of(literal + ":" + port);
    this.origin = "http://" + (anyAddress ? "127.0.0.1" : literal)
        + ":" + port;
    this.cookie = "starmap_ui_" + port;
  }

  /** The token, for the printed URL. */
  public String token() {
    return token;
  }

  /** The server's own origin, such as {@code http://127.0.0.1:8765}. */
  public String origin() {
    return origin;
  }

  /** The cookie that carries the token once a page was opened with it. */
  String setCookie() {
    return cookie + "=" + token + "; Path=/; HttpOnly; SameSite=Strict";
  }

  /** Checks the Host header, then the token (cookie, else {@code ?token=}). */
  Verdict check(HttpExchange ex) {
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null || !hostAllowed(host.strip().toLowerCase(Locale.ROOT))) {
      return new Verdict(403, "this server answers to its own address only, not to Host "
          + host);
    }
    if (!matches(cookieToken(ex)) && !matches(queryToken(ex))) {
      return new Verdict(401, "a token is needed: open the URL that starmap ui printed");
    }
    return Verdict.OK;
  }

  /** Checks that an action comes from a page of this server: its Origin is the request's Host. */
  Verdict checkAction(HttpExchange ex) {
    String originHeader = ex.getRequestHeaders().getFirst("Origin");
    String host = ex.getRequestHeaders().getFirst("Host");
    if (originHeader == null || !originHeader.equalsIgnoreCase("http://" + host)) {
      return new Verdict(403, "actions are taken from this server's pages only, not from origin "
          + originHeader);
    }
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin")) {
      return new Verdict(403, "actions are taken from this server's pages only (" + site + ")");
    }
    return Verdict.OK;
  }

  /** Whether the token came in the query (the first load), to be moved into the cookie. */
  boolean tokenInQuery(HttpExchange ex) {
    return matches(queryToken(ex));
  }

  private boolean hostAllowed(String host) {
    if (hosts.contains(host)) {
      return true;
    }
    if (!anyAddress || !host.endsWith(":" + port)) {
      return false;
    }
    // bound to every address: any IP literal of this machine, never a name (rebinding)
    String name = host.substring(0, host.length() - (":" + port).length());
    return name.matches("[0-9.]+|\\[[0-9a-f:.]+\\]");
  }

  private boolean matches(String candidate) {
    return candidate != null && MessageDigest.isEqual(tokenBytes,
        candidate.getBytes(StandardCharsets.US_ASCII));
  }

  private String cookieToken(HttpExchange ex) {
    List<String> headers = ex.getRequestHeaders().get("Cookie");
    if (headers == null) {
      return null;
    }
    for (String header : headers) {
      for (String part : header.split(";")) {
        String p = part.strip();
        if (p.startsWith(cookie + "=")) {
          return p.substring(cookie.length() + 1);
        }
      }
    }
    return null;
  }

  private static String queryToken(HttpExchange ex) {
    String q = ex.getRequestURI().getRawQuery();
    if (q == null) {
      return null;
    }
    for (String part : q.split("&")) {
      if (part.startsWith("token=")) {
        return part.substring(6);
      }
    }
    return null;
  }

  private static String literal(InetAddress a) {
    String s = a.getHostAddress();
    int zone = s.indexOf('%');
    s = zone >= 0 ? s.substring(0, zone) : s;
    return a instanceof Inet6Address ? "[" + s.toLowerCase(Locale.ROOT) + "]" : s;
  }
}

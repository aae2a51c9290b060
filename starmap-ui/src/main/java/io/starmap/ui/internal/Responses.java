package io.starmap.ui.internal;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;

/** How the server answers: its security headers, text, JSON, the pages and scripts in the jar. */
final class Responses {
  private Responses() {}

  /**
   * Scripts and styles from this server only, no frame but its own (the report), no Referer (a
   * URL may hold the token), nothing cached.
   */
  static void secureHeaders(HttpExchange ex) {
    var h = ex.getResponseHeaders();
    h.set("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self';"
        + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self';"
        + " frame-ancestors 'self'; base-uri 'none'; form-action 'none'");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "SAMEORIGIN");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cache-Control", "no-store");
    h.set("Cross-Origin-Resource-Policy", "same-origin");
  }

  static void text(HttpExchange ex, int status, String text) throws IOException {
    send(ex, status, "text/plain", (text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  static void json(HttpExchange ex, int status, String json) throws IOException {
    send(ex, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  static void resource(HttpExchange ex, String name, String type) throws IOException {
    send(ex, 200, type, bytes(name));
  }

  /** A page: the head that every page shares, then its body. */
  static void page(HttpExchange ex, String body) throws IOException {
    byte[] head = bytes("head.html");
    byte[] rest = bytes(body);
    byte[] page = java.util.Arrays.copyOf(head, head.length + rest.length);
    System.arraycopy(rest, 0, page, head.length, rest.length);
    send(ex, 200, "text/html", page);
  }

  private static byte[] bytes(String name) throws IOException {
    try (InputStream in = Responses.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new NoSuchElementException("no resource " + name);
      }
      return in.readAllBytes();
    }
  }

  static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}

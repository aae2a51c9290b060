package io.starmap.ui.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.starmap.store.CalcStatus;
import io.starmap.store.CalculationStore;
import io.starmap.store.ReportParts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every request: the {@link Guard} first, then the pages, their scripts, the event streams, the
 * actions (POST only) and the downloads. Nothing is served from anywhere but this module and the
 * store.
 */
public final class Routes implements HttpHandler {
  private static final Pattern CALC_PAGE = Pattern.compile("/calc/(\\d{1,18})");
  private static final Pattern CALC_EVENTS = Pattern.compile("/events/calc/(\\d{1,18})");
  private static final Pattern ACTION = Pattern.compile("/api/calc/(\\d{1,18})/(abort|delete)");
  private static final Pattern DOWNLOAD = Pattern.compile("/download/(\\d{1,18})/([a-z0-9_.]+)");
  /** How long a stream waits for an event before a comment keeps the connection alive. */
  private static final long KEEPALIVE_MS = 15_000;

  private final CalculationStore store;
  private final Guard guard;
  private final Watcher watcher;
  private final Downloads downloads;

  /** The routes of a server on {@code store}, checked by {@code guard}. */
  public Routes(CalculationStore store, Guard guard, Watcher watcher) {
    this.store = store;
    this.guard = guard;
    this.watcher = watcher;
    this.downloads = new Downloads(store);
  }

  /** The rejects file of an import, where {@code starmap import} writes it by default. */
  static Path rejectsFile(CalculationStore store, long id) {
    return store.home().resolve("calc_" + id + ".rejects");
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Responses.secureHeaders(ex);
      Guard.Verdict verdict = guard.check(ex);
      if (!verdict.ok()) {
        Responses.text(ex, verdict.status(), verdict.reason());
        return;
      }
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      Matcher action = ACTION.matcher(path);
      if (action.matches()) {
        act(ex, method, Long.parseLong(action.group(1)), action.group(2));
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET");
        Responses.text(ex, 405, method + " is not allowed on " + path);
        return;
      }
      if (guard.tokenInQuery(ex)) {
        // the token moves into the cookie and out of the address bar, the history and Referer
        ex.getResponseHeaders().add("Set-Cookie", guard.setCookie());
        String rest = ex.getRequestURI().getRawQuery().replaceAll("(^|&)token=[^&]*", "")
            .replaceFirst("^&", "");
        String location = rest.isEmpty() ? path : path + "?" + rest;
        ex.getResponseHeaders().set("Location", location);
        Responses.text(ex, 303, "see " + location);
        return;
      }
      get(ex, path);
    } catch (NoSuchElementException e) {
      Responses.text(ex, 404, e.getMessage());
    } catch (IllegalArgumentException e) {
      Responses.text(ex, 400, e.getMessage());
    } catch (RuntimeException e) {
      Responses.text(ex, 500, e.toString());
    }
  }

  private void get(HttpExchange ex, String path) throws IOException {
    Matcher m;
    if (path.equals("/")) {
      Responses.page(ex, "calcs.html");
    } else if ((m = CALC_PAGE.matcher(path)).matches()) {
      store.get(Long.parseLong(m.group(1)));
      Responses.page(ex, "calc.html");
    } else if (path.equals("/static/ui.js")) {
      Responses.resource(ex, "ui.js", "text/javascript");
    } else if (path.equals("/static/ui.css")) {
      Responses.resource(ex, "ui.css", "text/css");
    } else if (path.equals("/static/report.css")) {
      Responses.send(ex, 200, "text/css", ReportParts.css().getBytes(StandardCharsets.UTF_8));
    } else if (path.equals("/events/calcs")) {
      Map<String, String> q = query(ex);
      String status = q.getOrDefault("status", "");
      String text = q.getOrDefault("q", "");
      CalcStatus s = status.isBlank() ? null : CalcStatus.of(status);
      stream(ex, "calcs|" + status + "|" + text, () -> new ListFeed(store, s, text));
    } else if ((m = CALC_EVENTS.matcher(path)).matches()) {
      long id = Long.parseLong(m.group(1));
      stream(ex, "calc|" + id, () -> new CalcFeed(store, id));
    } else if ((m = DOWNLOAD.matcher(path)).matches()) {
      downloads.send(ex, Long.parseLong(m.group(1)), m.group(2));
    } else {
      Responses.text(ex, 404, "no page " + path);
    }
  }

  private void act(HttpExchange ex, String method, long id, String what) throws IOException {
    if (!method.equals("POST")) {
      ex.getResponseHeaders().set("Allow", "POST");
      Responses.text(ex, 405, what + " is a POST from the calculation's page");
      return;
    }
    Guard.Verdict verdict = guard.checkAction(ex);
    if (!verdict.ok()) {
      Responses.text(ex, verdict.status(), verdict.reason());
      return;
    }
    String message;
    try {
      if (what.equals("abort")) {
        message = store.abort(id).detail();
      } else {
        store.delete(id);
        message = "calculation " + id + " deleted";
      }
    } catch (IllegalStateException e) {
      Responses.json(ex, 409, Json.of(Map.of("ok", false, "message", e.getMessage())));
      return;
    }
    Responses.json(ex, 200, Json.of(Map.of("ok", true, "message", message)));
  }

  /** An event stream of feed {@code key}: its events as they come, until the page goes. */
  private void stream(HttpExchange ex, String key, java.util.function.Supplier<Watcher.Feed> feed)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.sendResponseHeaders(200, 0);
    try (Watcher.Subscription sub = watcher.subscribe(key, feed);
         OutputStream out = ex.getResponseBody()) {
      out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String event = sub.next(KEEPALIVE_MS);
        out.write((event == null ? ": keep-alive\n\n" : event).getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | UncheckedIOException e) {
      // the page was closed: its stream ends here
    }
  }

  private static Map<String, String> query(HttpExchange ex) {
    Map<String, String> out = new HashMap<>();
    String q = ex.getRequestURI().getRawQuery();
    if (q != null) {
      for (String part : q.split("&")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return out;
  }

}

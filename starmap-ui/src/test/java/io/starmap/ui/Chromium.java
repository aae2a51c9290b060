package io.starmap.ui;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's headless Chromium driven by the DevTools protocol over the JDK's WebSocket: open a
 * tab, navigate, evaluate JavaScript, take a screenshot. No WebDriver, no dependency.
 */
final class Chromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");

  private final Process process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  Chromium(Path profile) throws IOException, InterruptedException {
    process = new ProcessBuilder(List.of(BINARY.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
        "--window-size=1280,1000", "--user-data-dir=" + profile, "about:blank"))
        .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile())
        .start();
    Path portFile = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("chromium did not start: "
            + Files.readString(profile.resolve("chromium.log")));
      }
      Thread.sleep(100);
    }
    port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
  }

  /** A new tab, with its own connection. */
  Tab newTab() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/json/new?about:blank"))
        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    String ws = (String) MiniJson.at(MiniJson.parse(r.body()), "webSocketDebuggerUrl");
    Tab tab = new Tab();
    tab.socket = http.newWebSocketBuilder().buildAsync(URI.create(ws), tab).join();
    tab.call("Page.enable", "{}");
    tab.call("Runtime.enable", "{}");
    tab.call("Log.enable", "{}");
    tab.call("Emulation.setDeviceMetricsOverride",
        "{\"width\":1280,\"height\":1000,\"deviceScaleFactor\":1,\"mobile\":false}");
    return tab;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** One tab: commands and their answers, matched by id. */
  static final class Tab implements WebSocket.Listener {
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();
    /** The page's uncaught exceptions and console errors (CSP violations among them). */
    final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private WebSocket socket;

    Object call(String method, String params) {
      int id = ids.incrementAndGet();
      CompletableFuture<Object> answer = new CompletableFuture<>();
      pending.put(id, answer);
      socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params
          + "}", true).join();
      Object reply = answer.orTimeout(60, TimeUnit.SECONDS).join();
      if (MiniJson.at(reply, "error") != null) {
        throw new IllegalStateException(method + ": " + MiniJson.at(reply, "error"));
      }
      return MiniJson.at(reply, "result");
    }

    void navigate(URI url) throws InterruptedException {
      call("Page.navigate", "{\"url\":\"" + url + "\"}");
      waitFor("document.readyState === 'complete' && location.href !== 'about:blank'",
          Duration.ofSeconds(30));
    }

    /** The value of {@code expression}, as a string. */
    String eval(String expression) {
      Object r = call("Runtime.evaluate", "{\"expression\":" + quote("Promise.resolve(" + expression + ").then(String)")
          + ",\"returnByValue\":true,\"awaitPromise\":true}");
      if (MiniJson.at(r, "exceptionDetails") != null) {
        throw new IllegalStateException(expression + ": " + MiniJson.at(r, "exceptionDetails"));
      }
      return (String) MiniJson.at(r, "result", "value");
    }

    /** Waits until {@code condition} is true in the page; fails naming it after {@code limit}. */
    void waitFor(String condition, Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (!"true".equals(eval(condition))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("not true after " + limit + ": " + condition + "; page: "
              + eval("document.body.innerText.slice(0, 2000)"));
        }
        Thread.sleep(100);
      }
    }

    void screenshot(Path png) throws IOException {
      // a tab in the background draws nothing: the capture would wait for it forever
      call("Page.bringToFront", "{}");
      Object r = call("Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":"
          + "true}");
      Files.write(png, Base64.getDecoder().decode((String) MiniJson.at(r, "data")));
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        Object msg = MiniJson.parse(partial.toString());
        partial.setLength(0);
        Object method = MiniJson.at(msg, "method");
        if ("Runtime.exceptionThrown".equals(method)
            || "Log.entryAdded".equals(method)
            && "error".equals(MiniJson.at(msg, "params", "entry", "level"))
            || "Runtime.consoleAPICalled".equals(method)
            && "error".equals(MiniJson.at(msg, "params", "type"))) {
          errors.add(String.valueOf(MiniJson.at(msg, "params")));
        }
        Object id = MiniJson.at(msg, "id");
        if (id != null) {
          CompletableFuture<Object> f = pending.remove(((Double) id).intValue());
          if (f != null) {
            f.complete(msg);
          }
        }
      }
      ws.request(1);
      return null;
    }

    private static String quote(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
  }
}

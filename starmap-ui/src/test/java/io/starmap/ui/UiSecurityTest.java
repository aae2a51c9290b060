package io.starmap.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.store.CalcStatus;
import io.starmap.store.Calculation;
import io.starmap.store.CalculationStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on {@code starmap ui}'s server with raw HTTP over a socket (a browser would not let a
 * page send these): no token, a wrong one, a GET on an action, a foreign Origin, a Host of another
 * name (DNS rebinding), the machine's network address.
 */
@Timeout(120)
class UiSecurityTest {
  @TempDir Path home;
  private UiServer server;
  private CalculationStore store;
  private Calculation running;
  private String token;
  private String host;

  @BeforeEach
  void start() {
    store = CalculationStore.open(home);
    running = store.start("test", "copy into postgresql://u:hunter2@db/x secret-data-4711",
        Map.of("password", "hunter2"));
    running.log(System.Logger.Level.INFO, "connecting with password=hunter2");
    server = UiServer.start(home, InetAddress.getLoopbackAddress(), 0);
    token = server.url().getQuery().substring("token=".length());
    host = "127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
    running.close();
    store.close();
  }

  @Test
  void theTokenIsLongAndRandom() {
    assertThat(token).matches("[0-9a-f]{64}");
    try (UiServer other = UiServer.start(home, InetAddress.getLoopbackAddress(), 0)) {
      assertThat(other.url().getQuery()).isNotEqualTo(server.url().getQuery());
    }
  }

  @Test
  void withoutTheTokenEveryPathIsRefusedWithNoData() throws IOException {
    for (String path : new String[] {"/", "/calc/" + running.id(), "/events/calcs",
        "/events/calc/" + running.id(), "/download/" + running.id() + "/report.html",
        "/download/" + running.id() + "/trace.json", "/static/ui.js"}) {
      String r = send("GET " + path, "Host: " + host);
      assertThat(r).as(path).startsWith("HTTP/1.1 401").doesNotContain("secret-data-4711")
          .doesNotContain("calcs");
    }
  }

  @Test
  void aWrongTokenIsRefusedInTheQueryAndInTheCookie() throws IOException {
    String wrong = (token.charAt(0) == 'a' ? "b" : "a") + token.substring(1);
    assertThat(send("GET /?token=" + wrong, "Host: " + host)).startsWith("HTTP/1.1 401");
    assertThat(send("GET /events/calcs", "Host: " + host,
        "Cookie: starmap_ui_" + server.port() + "=" + wrong)).startsWith("HTTP/1.1 401")
        .doesNotContain("secret-data-4711");
    assertThat(send("GET /?token=", "Host: " + host)).startsWith("HTTP/1.1 401");
    assertThat(send("GET /?token=" + token.substring(0, 63), "Host: " + host))
        .startsWith("HTTP/1.1 401");
  }

  @Test
  void theTokenInTheQueryBecomesAStrictHttpOnlyCookie() throws IOException {
    String r = send("GET /?token=" + token, "Host: " + host);
    assertThat(r).startsWith("HTTP/1.1 303").containsIgnoringCase("Location: /\r\n")
        .containsIgnoringCase("Set-Cookie: starmap_ui_" + server.port() + "=" + token
            + "; Path=/; HttpOnly; SameSite=Strict");
    assertThat(send("GET /events/calcs?status=failed&token=" + token + "&q=x", "Host: " + host))
        .startsWith("HTTP/1.1 303").containsIgnoringCase("Location: /events/calcs?status=failed"
            + "&q=x\r\n");
    assertThat(send("GET /", "Host: " + host, cookie())).startsWith("HTTP/1.1 200")
        .contains("Starmap calculations").containsIgnoringCase("Content-Security-Policy:");
  }

  @Test
  void aHostThatIsNotTheServersIsRefusedEvenWithTheToken() throws IOException {
    for (String evil : new String[] {"evil.example:" + server.port(), "evil.example",
        "127.0.0.1.nip.io:" + server.port(), "localhost.evil.example:" + server.port()}) {
      assertThat(send("GET /events/calcs", "Host: " + evil, cookie())).as(evil)
          .startsWith("HTTP/1.1 403").doesNotContain("secret-data-4711");
      assertThat(send("POST /api/calc/" + running.id() + "/abort", "Host: " + evil, cookie(),
          "Origin: http://" + evil)).as(evil).startsWith("HTTP/1.1 403");
    }
    assertThat(send("GET /", "Host: localhost:" + server.port(), cookie()))
        .startsWith("HTTP/1.1 200");
    assertThat(store.get(running.id()).status()).isEqualTo(CalcStatus.EXECUTING);
  }

  @Test
  void actionsArePostsFromThisOriginOnly() throws IOException {
    long id = running.id();
    assertThat(send("GET /api/calc/" + id + "/abort", "Host: " + host, cookie()))
        .startsWith("HTTP/1.1 405").containsIgnoringCase("Allow: POST");
    assertThat(send("GET /api/calc/" + id + "/delete?token=" + token, "Host: " + host))
        .startsWith("HTTP/1.1 405");
    assertThat(send("POST /api/calc/" + id + "/abort", "Host: " + host, cookie(),
        "Origin: http://evil.example")).startsWith("HTTP/1.1 403");
    assertThat(send("POST /api/calc/" + id + "/abort", "Host: " + host, cookie(),
        "Origin: null")).startsWith("HTTP/1.1 403");
    assertThat(send("POST /api/calc/" + id + "/abort", "Host: " + host, cookie()))
        .as("no Origin").startsWith("HTTP/1.1 403");
    assertThat(send("POST /api/calc/" + id + "/abort", "Host: " + host, cookie(),
        "Origin: http://" + host, "Sec-Fetch-Site: cross-site")).startsWith("HTTP/1.1 403");
    assertThat(send("POST /api/calc/" + id + "/abort", "Host: " + host,
        "Origin: http://" + host)).as("no token").startsWith("HTTP/1.1 401");
    assertThat(store.get(id).status()).isEqualTo(CalcStatus.EXECUTING);
    assertThat(send("POST /api/calc/" + id + "/abort", "Host: " + host, cookie(),
        "Origin: http://" + host, "Sec-Fetch-Site: same-origin")).startsWith("HTTP/1.1 200");
    assertThat(store.get(id).status()).isEqualTo(CalcStatus.ABORTED);
  }

  @Test
  void secretsAreNotShown() throws IOException {
    String r = send("GET /events/calcs", "Host: " + host, cookie());
    assertThat(r).startsWith("HTTP/1.1 200").contains("secret-data-4711")
        .doesNotContain("hunter2");
    String calc = send("GET /events/calc/" + running.id(), "Host: " + host, cookie());
    assertThat(calc).contains("event: calc").contains("connecting with password=***")
        .doesNotContain("hunter2");
  }

  @Test
  void theLoopbackServerIsOutOfReachFromTheNetwork() throws IOException {
    Optional<InetAddress> external = NetworkInterface.networkInterfaces()
        .filter(i -> !i.getName().startsWith("lo"))
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
    if (external.isEmpty()) {
      // no network address to attack from: the bind address itself is what keeps others out
      assertThat(server.isLoopback()).isTrue();
      return;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(external.get(), server.port()), 5000);
      throw new AssertionError("connected to " + external.get() + ":" + server.port());
    } catch (ConnectException | SocketTimeoutException expected) {
      // refused, or dropped by a firewall: either way out of reach
    }
  }

  @Test
  void boundToEveryAddressItStillRefusesHostNames() throws IOException {
    try (UiServer wide = UiServer.start(home, InetAddress.getByName("0.0.0.0"), 0)) {
      assertThat(wide.isLoopback()).isFalse();
      String key = wide.url().getQuery().substring("token=".length());
      String cookie = "Cookie: starmap_ui_" + wide.port() + "=" + key;
      int port = wide.port();
      assertThat(send(port, "GET /", "Host: 127.0.0.1:" + port, cookie))
          .startsWith("HTTP/1.1 200");
      assertThat(send(port, "GET /", "Host: 10.1.2.3:" + port, cookie))
          .as("an address of this machine, as a peer names it").startsWith("HTTP/1.1 200");
      assertThat(send(port, "GET /", "Host: rebind.evil.example:" + port, cookie))
          .startsWith("HTTP/1.1 403");
      assertThat(send(port, "GET /", "Host: 127.0.0.1:" + port)).startsWith("HTTP/1.1 401");
    }
  }

  private String cookie() {
    return "Cookie: starmap_ui_" + server.port() + "=" + token;
  }

  /**
   * Sends {@code requestLine} with {@code headers} and returns what came back: all of it, or, for
   * an event stream, what came in its first two seconds.
   */
  private String send(String requestLine, String... headers) throws IOException {
    return send(server.port(), requestLine, headers);
  }

  private static String send(int port, String requestLine, String... headers)
      throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(2000);
      StringBuilder req = new StringBuilder(requestLine).append(" HTTP/1.1\r\n");
      for (String h : headers) {
        req.append(h).append("\r\n");
      }
      req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      long deadline = System.nanoTime() + 2_000_000_000L;
      try {
        for (int n; System.nanoTime() < deadline && (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
        }
      } catch (SocketTimeoutException streamStillOpen) {
        // an event stream does not end: what came so far is the answer
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }
}

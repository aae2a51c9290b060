package io.starmap.ui;

import com.sun.net.httpserver.HttpServer;
import io.starmap.store.CalculationStore;
import io.starmap.ui.internal.Guard;
import io.starmap.ui.internal.Routes;
import io.starmap.ui.internal.Watcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The web server of {@code starmap ui}: the calculations of a Starmap home, live in the browser.
 *
 * <pre>{@code
 * try (UiServer ui = UiServer.start(StarmapHome.resolve(), InetAddress.getLoopbackAddress(), 0)) {
 *   System.out.println(ui.url());   // http://127.0.0.1:PORT/?token=...
 *   ...
 * }
 * }</pre>
 *
 * <p>Every request needs the server's token, a random 256-bit value given in {@link #url()}: the
 * first page opened with it in the query gets it as an HttpOnly, SameSite=Strict cookie. A request
 * whose {@code Host} is not the server's address (DNS rebinding) is refused, and so is an action
 * (abort, delete: POST only) whose {@code Origin} is not the server's. The server reads the store
 * once a second and pushes what changed to the open pages (Server-Sent Events); the store's
 * redaction of secrets applies to everything it shows.
 */
public final class UiServer implements AutoCloseable {
  private final HttpServer http;
  private final ExecutorService threads;
  private final Watcher watcher;
  private final CalculationStore store;
  private final Guard guard;

  private UiServer(HttpServer http, ExecutorService threads, Watcher watcher,
      CalculationStore store, Guard guard) {
    this.http = http;
    this.threads = threads;
    this.watcher = watcher;
    this.store = store;
    this.guard = guard;
  }

  /**
   * Starts a server for the calculations of {@code home} on {@code bind}:{@code port}.
   *
   * @param home the Starmap home whose calculations it shows
   * @param bind the address to listen on; the loopback address keeps it to this machine
   * @param port the port, or 0 for a free one
   * @return the running server; close it to stop it
   * @throws UncheckedIOException naming the address when it cannot listen there
   */
  public static UiServer start(Path home, InetAddress bind, int port) {
    CalculationStore store = CalculationStore.open(home);
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(bind, port), 64);
    } catch (IOException e) {
      store.close();
      throw new UncheckedIOException("cannot listen on " + bind.getHostAddress() + ":" + port
          + ": " + e.getMessage(), e);
    }
    // a page that watches holds a thread for its event stream: virtual threads cost little
    ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    http.setExecutor(threads);
    Guard guard = new Guard(bind, http.getAddress().getPort());
    Watcher watcher = new Watcher();
    http.createContext("/", new Routes(store, guard, watcher));
    http.start();
    watcher.start();
    return new UiServer(http, threads, watcher, store, guard);
  }

  /**
   * The address to open, with the token.
   *
   * @return {@code http://ADDRESS:PORT/?token=TOKEN}
   */
  public URI url() {
    return URI.create(guard.origin() + "/?token=" + guard.token());
  }

  /**
   * The port the server listens on.
   *
   * @return the port, chosen by the system when 0 was asked
   */
  public int port() {
    return http.getAddress().getPort();
  }

  /**
   * Whether the server listens on the loopback address only, out of reach of other machines.
   *
   * @return true for a loopback address
   */
  public boolean isLoopback() {
    return http.getAddress().getAddress().isLoopbackAddress();
  }

  /** Stops the server: open pages lose their connection; the store is closed. */
  @Override
  public void close() {
    watcher.close();
    http.stop(0);
    threads.shutdownNow();
    store.close();
  }
}

package io.starmap.cli;

import io.starmap.store.StarmapHome;
import io.starmap.ui.UiServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code starmap ui}: the calculations of STARMAP_HOME, live in the browser, until Ctrl-C. */
@Command(name = "ui", mixinStandardHelpOptions = true,
    description = {"Serves the calculations of $STARMAP_HOME in the browser, live while they run,"
        + " until Ctrl-C. Open the printed URL: it holds the token that every request needs."})
final class UiCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
      description = "The port (default: a free one).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "The address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String bind;

  @Option(names = "--open", description = "Open the page in the desktop's browser (xdg-open).")
  boolean open;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (port < 0 || port > 65535) {
      throw new UserException("--port must be from 0 to 65535, not " + port);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      throw new UserException("--bind " + bind + ": unknown address", e);
    }
    UiServer server;
    try {
      server = UiServer.start(StarmapHome.resolve(), address, port);
    } catch (java.io.UncheckedIOException e) {
      throw new UserException(Errors.oneLine(e), e);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "starmap-ui-stop"));
    if (!server.isLoopback()) {
      err.println("warning: --bind " + bind + " makes the page reachable from other machines"
          + " (only the token protects it, over plain HTTP); prefer an SSH tunnel to 127.0.0.1");
    }
    out.println("starmap ui: the calculations of " + StarmapHome.resolve() + " (Ctrl-C stops)");
    out.println("open " + server.url());
    out.flush();
    err.flush();
    if (open) {
      try {
        new ProcessBuilder("xdg-open", server.url().toString()).inheritIO().start();
      } catch (IOException e) {
        err.println("cannot open a browser (" + e.getMessage() + "): open the URL above");
      }
    }
    stopped.await();
    return 0;
  }
}

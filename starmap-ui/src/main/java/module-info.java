/**
 * {@code starmap ui}: a local web server that shows the calculations of a Starmap home live in
 * the browser. The API is {@link io.starmap.ui}; the JDK's HTTP server ({@code jdk.httpserver})
 * serves it, and everything it serves comes from this module.
 */
module io.starmap.ui {
  requires io.starmap.store;
  requires io.starmap.core;
  requires jdk.httpserver;
  // the watcher reports its CPU time, which the server must keep small
  requires java.management;

  exports io.starmap.ui;
}

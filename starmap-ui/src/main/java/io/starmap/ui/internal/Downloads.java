package io.starmap.ui.internal;

import com.sun.net.httpserver.HttpExchange;
import io.starmap.store.CalcRecord;
import io.starmap.store.CalculationStore;
import io.starmap.store.ChromeTrace;
import io.starmap.store.HtmlReport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;

/**
 * What a calculation's page offers to download: its datastore, its report (also shown in the
 * page), its rejects file and its task timeline as a Chrome trace. Only these files, found by the
 * calculation's id: a name in the request never becomes a path.
 */
final class Downloads {
  private final CalculationStore store;

  Downloads(CalculationStore store) {
    this.store = store;
  }

  void send(HttpExchange ex, long id, String name) throws IOException {
    CalcRecord c = store.get(id);
    switch (name) {
      case "report.html" -> {
        boolean attach = "1".equals(queryValue(ex));
        if (attach) {
          disposition(ex, "calc_" + id + ".html");
        }
        Responses.send(ex, 200, "text/html",
            HtmlReport.render(store, id).getBytes(StandardCharsets.UTF_8));
      }
      case "trace.json" -> {
        disposition(ex, "calc_" + id + ".trace.json");
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
          ChromeTrace.write(store, id, out);
        }
      }
      case "hdf5" -> file(ex, c.datastore(), "calc_" + id + ".hdf5",
          "application/x-hdf5");
      case "rejects" -> file(ex, Routes.rejectsFile(store, id), "calc_" + id + ".rejects",
          "text/csv");
      default -> throw new NoSuchElementException("calculation " + id + " has no download "
          + name);
    }
  }

  private static void file(HttpExchange ex, Path path, String name, String type)
      throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new NoSuchElementException(name + " does not exist (yet)");
    }
    disposition(ex, name);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(200, Files.size(path));
    try (OutputStream out = ex.getResponseBody()) {
      Files.copy(path, out);
    }
  }

  private static void disposition(HttpExchange ex, String name) {
    ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + name + "\"");
  }

  private static String queryValue(HttpExchange ex) {
    String q = ex.getRequestURI().getRawQuery();
    return q != null && q.startsWith("download=") ? q.substring("download=".length()) : null;
  }
}

package io.starmap.cli;

import io.starmap.embedded.EmbeddedServer;
import io.starmap.embedded.EmbeddedServerException;
import io.starmap.importer.db.DatabaseUnavailableException;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.store.StarmapHome;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code starmap db start|stop|status|url}: the embedded PostgreSQL of {@code $STARMAP_HOME}. */
@Command(name = "db", mixinStandardHelpOptions = true,
    description = {"Controls the embedded PostgreSQL in $STARMAP_HOME/pg.",
        "Commands start it on demand and stop it when they end; 'db start' keeps it running "
            + "(for psql, or to save the start-up time of each command) until 'db stop'."},
    subcommands = {DbCommand.Start.class, DbCommand.Stop.class, DbCommand.Status.class,
        DbCommand.Url.class})
final class DbCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static EmbeddedServer server() {
    return EmbeddedServer.at(StarmapHome.resolve());
  }

  static <T> T call(Function<EmbeddedServer, T> action) {
    try {
      return action.apply(server());
    } catch (DatabaseUnavailableException e) {
      throw new UserException(e.getMessage(), e);
    } catch (EmbeddedServerException e) {
      throw new UserException(EmbeddedDatabase.message(e), e);
    }
  }

  /** The URL of the embedded database of {@code st}, valid while it runs. */
  static DatabaseUrl url(EmbeddedServer.Status st) {
    return EmbeddedDatabase.url(server(), st.port());
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  /** {@code starmap db start}. */
  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Starts the embedded PostgreSQL and keeps it running until 'starmap db stop'.")
  static final class Start implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.exists(StarmapHome.resolve().resolve("pg/data/PG_VERSION"))) {
        err.println("starmap: creating the embedded PostgreSQL in "
            + StarmapHome.resolve().resolve("pg") + " (first use)...");
        err.flush();
      }
      EmbeddedServer.Status st = call(EmbeddedServer::start);
      out.println("embedded PostgreSQL " + (st.startMillis() >= 0
          ? "started in " + seconds(st.startMillis()) : "already running")
          + " at " + url(st).psqlUrl() + "; it stays up until 'starmap db stop'");
      out.flush();
    }
  }

  /** {@code starmap db stop}. */
  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "Stops the embedded PostgreSQL once no command uses it.")
  static final class Stop implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--force", description = "Stop it even while commands use it (their "
        + "connections are closed).")
    boolean force;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      EmbeddedServer.Status before = call(EmbeddedServer::status);
      EmbeddedServer.Status st = call(s -> s.stop(force));
      if (st.running()) {
        out.println("embedded PostgreSQL still used by " + st.users() + " command(s): it stops "
            + "when they end (or use --force)");
      } else {
        out.println(before.running() ? "embedded PostgreSQL stopped"
            : "embedded PostgreSQL was not running");
      }
      out.flush();
    }
  }

  /** {@code starmap db status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Shows whether the embedded PostgreSQL runs, where, and who uses it.")
  static final class Status implements Runnable {
    @Spec CommandSpec spec;

    @Mixin FormatOption formatOption;

    @Override
    public void run() {
      EmbeddedServer.Status st = call(EmbeddedServer::status);
      Table t = Table.of("state", "url", "pid", "kept_running", "users", "directory");
      t.row(st.running() ? "running" : "stopped",
          st.running() ? url(st).psqlUrl() : null,
          st.running() ? st.pid() : null,
          st.pinned(), st.users(), st.directory().toString());
      t.view("db").print(spec.commandLine().getOut(), formatOption.format);
    }
  }

  /** {@code starmap db url}. */
  @Command(name = "url", mixinStandardHelpOptions = true,
      description = {"Prints the URL of the running embedded PostgreSQL (or of --db), for psql "
          + "and for --db:", "  psql \"$(starmap db url)\"",
          "The embedded server's URL names its password file (passfile=, readable by its owner "
              + "only), not the password."})
  static final class Url implements Runnable {
    @Spec CommandSpec spec;

    @Mixin DbOption db;

    @Option(names = "--jdbc", description = "Print the JDBC URL (the password, if any, goes in "
        + "the user and password parameters).")
    boolean jdbc;

    @Override
    public void run() {
      DatabaseUrl url;
      String given = db.url();
      if (given != null) {
        try {
          url = db.parsedUrl();
        } catch (IllegalArgumentException e) {
          throw new UserException(e.getMessage(), e, 2);
        }
      } else {
        EmbeddedServer.Status st = call(EmbeddedServer::status);
        if (!st.running()) {
          throw new UserException("the embedded PostgreSQL is not running: start it with "
              + "'starmap db start'");
        }
        url = url(st);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(jdbc ? jdbcWithCredentials(url) : url.psqlUrl());
      out.flush();
    }

    private static String jdbcWithCredentials(DatabaseUrl url) {
      StringBuilder sb = new StringBuilder(url.jdbcUrl());
      char sep = sb.indexOf("?") >= 0 ? '&' : '?';
      if (url.user() != null) {
        sb.append(sep).append("user=").append(enc(url.user()));
        sep = '&';
      }
      if (url.password() != null) {
        sb.append(sep).append("password=").append(enc(url.password()));
      } else if (url.params().containsKey(DatabaseUrl.PASSFILE)) {
        // Starmap reads passfile= in a JDBC URL too (the driver never sees it).
        sb.append(sep).append(DatabaseUrl.PASSFILE).append('=')
            .append(enc(url.params().get(DatabaseUrl.PASSFILE)));
      }
      return sb.toString();
    }

    private static String enc(String s) {
      return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}

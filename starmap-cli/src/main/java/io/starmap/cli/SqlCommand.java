package io.starmap.cli;

import io.starmap.importer.db.Database;
import io.starmap.importer.db.DatabaseUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code starmap sql "SELECT ..."}: runs SQL on the selected database and prints the result. */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Runs SQL on the selected database and prints the rows (or the number of rows "
        + "changed).", "Several statements separated by ';' run one after the other, each committed."},
    footer = {"", "Examples:", "  starmap sql \"select version()\"",
        "  starmap sql --format csv \"select * from prices limit 10\"",
        "  echo \"select 1\" | starmap sql -"})
final class SqlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin DbOption db;

  @Mixin FormatOption formatOption;

  @Parameters(index = "0", paramLabel = "SQL", description = "The SQL to run, or - to read it "
      + "from standard input.")
  String sql;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String text = "-".equals(sql)
        ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : sql;
    if (text.isBlank()) {
      throw new UserException("no SQL to run", null, 2);
    }
    try (Database database = db.open(err); Connection c = database.connect();
        Statement s = c.createStatement()) {
      boolean isResultSet = s.execute(text);
      while (true) {
        if (isResultSet) {
          try (ResultSet rs = s.getResultSet()) {
            print(rs, out);
          }
        } else {
          int count = s.getUpdateCount();
          if (count == -1) {
            break;
          }
          out.println(count == 0 ? "OK" : count + (count == 1 ? " row" : " rows") + " changed");
        }
        isResultSet = s.getMoreResults();
      }
      printWarnings(s.getWarnings(), err);
      out.flush();
      return 0;
    } catch (SQLException e) {
      throw new UserException("SQL failed: " + oneLine(e), e);
    } catch (DatabaseUnavailableException e) {
      throw new UserException(e.getMessage(), e);
    }
  }

  private void print(ResultSet rs, PrintWriter out) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String> names = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      names.add(md.getColumnLabel(i));
    }
    Table t = new Table(names);
    while (rs.next()) {
      Object[] row = new Object[n];
      for (int i = 1; i <= n; i++) {
        row[i - 1] = value(rs.getObject(i));
      }
      t.row(row);
    }
    t.view("sql").print(out, formatOption.format);
  }

  /** Keeps numbers and booleans (for alignment and JSON), renders the rest as PostgreSQL does. */
  private static Object value(Object v) throws SQLException {
    if (v == null || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    if (v instanceof byte[] bytes) {
      return "\\x" + HexFormat.of().formatHex(bytes);
    }
    if (v instanceof Array a) {
      return a.toString();
    }
    return v.toString();
  }

  private static void printWarnings(SQLWarning w, PrintWriter err) {
    for (; w != null; w = w.getNextWarning()) {
      err.println("starmap: " + w.getMessage());
    }
  }

  private static String oneLine(SQLException e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
    return String.join(" ", m.lines().map(String::strip).toList());
  }
}

package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.starmap.importer.db.DatabaseUrl;
import io.starmap.importer.testing.PostgresExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A password given in {@code --db} never appears in what Starmap writes or prints: real imports
 * (URL and JDBC forms, threads and processes executors, with rejected rows, failing ones) as a
 * role with a password, then {@code calcs list}, {@code calcs search}, {@code show} and {@code
 * report}; every byte of every file under {@code $STARMAP_HOME} (calculation records, logs,
 * rejects, reports), every string and attribute of every HDF5 datastore (they may be deflated)
 * and everything the commands printed are searched for the password, plain and URL-encoded.
 *
 * <p>The embedded server trusts loopback connections, so the password is carried everywhere but
 * not checked by the server; what is tested is that Starmap never writes it.
 */
@Timeout(600)
class PasswordLeakTest {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static final String PASSWORD = "Pw-S3cr3t-7781q";
  static final String ODD_PASSWORD = "p@ss:w/rd?&x=1 Z";

  @TempDir Path dir;

  @Test
  void thePasswordOfDbIsNeverWrittenNorPrinted() throws Exception {
    DatabaseUrl base = PG.database().url();
    PostgresExtension.exec(PG.database(), "CREATE ROLE leaky LOGIN PASSWORD '" + PASSWORD + "'");
    PostgresExtension.exec(PG.database(), "GRANT ALL ON SCHEMA public TO leaky");
    PostgresExtension.exec(PG.database(), "GRANT CREATE, CONNECT ON DATABASE " + base.database()
        + " TO leaky");
    String url = "postgresql://leaky:" + PASSWORD + "@127.0.0.1:" + base.port() + "/"
        + base.database();
    String jdbc = "jdbc:postgresql://127.0.0.1:" + base.port() + "/" + base.database()
        + "?user=leaky&password=" + PASSWORD;
    String odd = "postgresql://leaky:" + URLEncoder.encode(ODD_PASSWORD, StandardCharsets.UTF_8)
        .replace("+", "%20") + "@127.0.0.1:" + base.port() + "/" + base.database();
    String dead = "postgresql://leaky:" + PASSWORD + "@127.0.0.1:1/" + base.database();

    Path home = Files.createDirectories(dir.resolve("home"));
    Path data = Files.createDirectories(dir.resolve("data"));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 5_000; i++) {
      lines.append(i).append(",name ").append(i).append('\n');
    }
    Files.writeString(data.resolve("a.csv"), lines);
    Files.writeString(data.resolve("b.csv"), "1,ok\nnot a number,bad\n2,ok\n");

    List<String> outputs = new ArrayList<>();
    List<String[]> commands = List.of(
        new String[] {"import", data.toString(), "--table", "t1", "--create", "n int, s text",
            "--db", url, "--executor", "processes", "--workers", "2", "--max-errors", "5"},
        new String[] {"import", data.toString(), "--table", "t2", "--create", "n int, s text",
            "--db", jdbc, "--executor", "threads", "--max-errors", "5"},
        new String[] {"import", data.toString(), "--table", "t3", "--create", "n int, s text",
            "--db", odd, "--max-errors", "5"},
        new String[] {"import", data.toString(), "--table", "t4", "--create", "n int, s text",
            "--db", url},
        new String[] {"import", data.toString(), "--table", "missing", "--db", url},
        new String[] {"import", data.toString(), "--table", "t5", "--create", "n int, s text",
            "--db", dead},
        new String[] {"import", data.toString(), "--table", "t6", "--create", "n int, s text",
            "--db", "postgresql://leaky:" + PASSWORD + "@127.0.0.1:notaport/x"},
        new String[] {"sql", "--db", url, "SELECT count(*) FROM t1"},
        new String[] {"sql", "--db", url, "SELECT * FROM nosuchtable"},
        new String[] {"calcs", "list", "--limit", "100"},
        new String[] {"calcs", "list", "--format", "json"},
        new String[] {"calcs", "search", "leaky"},
        new String[] {"show", "tasks", "1"},
        new String[] {"report", "1", "-o", home.resolve("report1.html").toString()},
        new String[] {"report", "4", "-o", home.resolve("report4.html").toString()});
    int ok = 0;
    for (String[] args : commands) {
      Child.Result r = Child.run(home, Duration.ofMinutes(3), List.of(), args);
      outputs.add(r.output()); // what the command printed, never the command line itself
      ok += r.exit() == 0 ? 1 : 0;
      assertThat(r.output()).as("output of %s", args[0]).doesNotContain("\tat io.starmap");
    }
    assertThat(ok).as(String.join("\n", outputs)).isGreaterThanOrEqualTo(8);

    List<String> forms = List.of(PASSWORD, ODD_PASSWORD,
        URLEncoder.encode(ODD_PASSWORD, StandardCharsets.UTF_8),
        URLEncoder.encode(ODD_PASSWORD, StandardCharsets.UTF_8).replace("+", "%20"));
    for (String out : outputs) {
      for (String pw : forms) {
        assertThat(out).as("printed output").doesNotContain(pw);
      }
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(home)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).anyMatch(p -> p.toString().endsWith(".rejects"))
        .anyMatch(p -> p.toString().endsWith(".hdf5")).anyMatch(p -> p.toString().endsWith(".html"));
    int hdf5 = 0;
    List<String> unreadable = new ArrayList<>();
    for (Path f : files) {
      byte[] bytes = Files.readAllBytes(f);
      String asText = new String(bytes, StandardCharsets.ISO_8859_1);
      String utf16 = new String(bytes, StandardCharsets.UTF_16LE);
      for (String pw : forms) {
        assertThat(asText).as("bytes of %s", f).doesNotContain(pw);
        assertThat(utf16).as("UTF-16 of %s", f).doesNotContain(pw);
      }
      String inflated = inflateEverything(bytes);
      for (String pw : forms) {
        assertThat(inflated).as("deflated streams of %s", f).doesNotContain(pw);
      }
      if (f.toString().endsWith(".hdf5")) {
        hdf5++;
        String content;
        try {
          content = hdf5Text(f);
        } catch (RuntimeException e) {
          unreadable.add(home.relativize(f) + ": " + e.getMessage());
          continue;
        }
        for (String pw : forms) {
          assertThat(content).as("datasets and attributes of %s", f).doesNotContain(pw);
        }
      }
    }
    System.out.printf("PasswordLeakTest: %d commands, %d files (%d HDF5) searched, password not"
        + " found; HDF5 files jhdf could not walk (searched as inflated bytes): %s%n",
        commands.size(), files.size(), hdf5, unreadable);
  }

  /**
   * The output of every zlib stream found at any offset of {@code bytes}: whatever a file deflated
   * (HDF5 chunks, compressed pages), without trusting its format.
   */
  static String inflateEverything(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    byte[] out = new byte[1 << 16];
    for (int i = 0; i + 1 < bytes.length; i++) {
      int cmf = bytes[i] & 0xff;
      int flg = bytes[i + 1] & 0xff;
      if (cmf != 0x78 || ((cmf << 8) | flg) % 31 != 0) {
        continue;
      }
      java.util.zip.Inflater inf = new java.util.zip.Inflater();
      try {
        inf.setInput(bytes, i, bytes.length - i);
        int n;
        while ((n = inf.inflate(out)) > 0) {
          sb.append(new String(out, 0, n, StandardCharsets.ISO_8859_1));
        }
      } catch (java.util.zip.DataFormatException e) {
        // not a stream after all
      } finally {
        inf.end();
      }
    }
    return sb.toString();
  }

  /** Every dataset value and attribute of an HDF5 file, as text (after decompression). */
  static String hdf5Text(Path file) {
    StringBuilder sb = new StringBuilder();
    try (HdfFile h = new HdfFile(file)) {
      walk(h, sb);
    }
    return sb.toString();
  }

  private static void walk(Node node, StringBuilder sb) {
    sb.append(node.getPath()).append('\n');
    for (Attribute a : node.getAttributes().values()) {
      sb.append(a.getName()).append('=').append(text(a.getData())).append('\n');
    }
    if (node instanceof Dataset d) {
      sb.append(text(d.getData())).append('\n');
    } else if (node instanceof Group g) {
      for (Node child : g.getChildren().values()) {
        walk(child, sb);
      }
    }
  }

  private static String text(Object data) {
    return data instanceof Object[] a ? Arrays.deepToString(a)
        : data == null ? "null" : data.getClass().isArray()
            ? Arrays.deepToString(new Object[] {data}) : data.toString();
  }
}

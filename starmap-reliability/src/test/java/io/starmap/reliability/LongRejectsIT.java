package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.testing.PostgresExtension;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad rows go to the rejects file whole and in bounded memory: the real CLI, in a child JVM of
 * {@value #HEAP} heap (with the threads executor, and as the master of worker JVMs with the
 * processes executor), imports a file with {@value #BAD} bad lines of {@value #BAD_MB} MB each
 * (more than the heap together) with {@code --max-errors 100}. It completes, the rejects file
 * holds each bad line byte for byte, and every good row is loaded.
 */
@Timeout(900)
class LongRejectsIT {
  @RegisterExtension static final PostgresExtension PG = new PostgresExtension();
  static final String HEAP = "-Xmx128m";
  static final int BAD = 8;
  static final int BAD_MB = 20;
  static final int GOOD_PER_GAP = 100;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"threads", "processes"})
  void eightTwentyMegabyteBadLinesAreKeptWholeWithinASmallHeap(String executor) throws Exception {
    Path input = dir.resolve("long-rejects.csv");
    List<String> badDigests = new ArrayList<>();
    List<Long> badLines = new ArrayList<>();
    long good = writeInput(input, badDigests, badLines);
    Path rejects = dir.resolve("rejects.csv");
    Path home = Files.createDirectories(dir.resolve("home"));
    Child.Result r = Child.run(home, Duration.ofMinutes(10), List.of(HEAP, "-XX:+UseSerialGC"),
        "import", input.toString(), "--table", "long_rejects_" + executor, "--create",
        "id int, v text", "--executor", executor, "--workers", "2",
        "--header", "no", "--max-errors", "100", "--rejects", rejects.toString(), "--db",
        PG.database().url().psqlUrl());
    String shortOutput = r.output().length() > 4_000 ? r.output().substring(0, 4_000)
        : r.output();
    assertThat(r.exit()).as(shortOutput).isZero();
    assertThat(r.output()).doesNotContain("OutOfMemoryError").doesNotContain("Exception in");
    // the importer itself checks read = loaded + rejected before it reports success
    assertThat(r.output()).contains(BAD + " bad rows written to " + rejects);

    try (Connection c = PG.connect();
        ResultSet rs = c.createStatement()
            .executeQuery("SELECT count(*) FROM long_rejects_" + executor)) {
      rs.next();
      assertThat(rs.getLong(1)).as("rows loaded").isEqualTo(good);
    }
    List<List<byte[]>> rows = new ArrayList<>();
    List<String> digests = new ArrayList<>();
    readRejects(rejects, rows, digests);
    assertThat(rows).as("rejected rows").hasSize(BAD);
    List<Long> lines = rows.stream()
        .map(f -> Long.parseLong(new String(f.get(1), StandardCharsets.US_ASCII))).toList();
    assertThat(lines).as("their line numbers").containsExactlyInAnyOrderElementsOf(badLines);
    assertThat(digests).as("SHA-256 of each rejected record")
        .containsExactlyInAnyOrderElementsOf(badDigests);
    for (List<byte[]> f : rows) {
      assertThat(f.get(2).length).as("the reason is kept short").isLessThan(2_000);
    }
  }

  /** Writes good rows and {@value #BAD} long bad ones; returns the count of good rows. */
  private static long writeInput(Path input, List<String> badDigests, List<Long> badLines)
      throws Exception {
    Random random = new Random(20);
    long good = 0;
    long line = 0;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(input), 1 << 20)) {
      for (int k = 0; k < BAD; k++) {
        for (int i = 0; i < GOOD_PER_GAP; i++) {
          out.write((++good + ",fine " + i + "\n").getBytes(StandardCharsets.US_ASCII));
          line++;
        }
        // half fail on their short first column (a long text after it), half on a column too
        // many. (A bad value of many megabytes itself is beyond any small heap: the server
        // quotes it whole in its error message, which the driver holds several times over.)
        byte[] body = new byte[BAD_MB << 20];
        for (int i = 0; i < body.length; i++) {
          body[i] = (byte) ('a' + random.nextInt(26));
        }
        ByteArrayOutputStream bad = new ByteArrayOutputStream(body.length + 16);
        bad.write((k % 2 == 0 ? "x," : "7,").getBytes(StandardCharsets.US_ASCII));
        bad.write(body);
        if (k % 2 == 1) {
          bad.write(",extra".getBytes(StandardCharsets.US_ASCII));
        }
        byte[] record = bad.toByteArray();
        out.write(record);
        out.write('\n');
        badLines.add(++line);
        badDigests.add(HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(record)));
      }
      out.write((++good + ",last\n").getBytes(StandardCharsets.US_ASCII));
    }
    return good;
  }

  /**
   * Reads the rejects file (header {@code file,line,reason,record}, quoted fields): the first
   * three fields of each row, and the SHA-256 of its record, without holding a record whole.
   */
  private static void readRejects(Path file, List<List<byte[]>> rows, List<String> digests)
      throws Exception {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      String header = new String(readLine(in), StandardCharsets.US_ASCII);
      assertThat(header).isEqualTo("file,line,reason,record");
      while (true) {
        int c = in.read();
        if (c < 0) {
          return;
        }
        List<byte[]> fields = new ArrayList<>();
        byte[] first = readQuoted(in, c, null);
        fields.add(first);
        for (int i = 0; i < 2; i++) {
          fields.add(readQuoted(in, in.read(), null));
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        readQuoted(in, in.read(), md);
        digests.add(HexFormat.of().formatHex(md.digest()));
        rows.add(fields);
      }
    }
  }

  /** The header line, unquoted, up to its newline. */
  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.write(c);
    }
    return b.toByteArray();
  }

  /**
   * One field from its first byte {@code c} to the separator after it (consumed): quoted (the
   * record, digested when {@code md} is given, else returned) or plain (the line number).
   */
  private static byte[] readQuoted(InputStream in, int c, MessageDigest md) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if (c != '"') {
      while (c >= 0 && c != ',' && c != '\n') {
        b.write(c);
        c = in.read();
      }
      return b.toByteArray();
    }
    while (true) {
      c = in.read();
      if (c < 0) {
        throw new AssertionError("the rejects file ends inside a quoted field");
      }
      if (c == '"') {
        int next = in.read();
        if (next != '"') {
          if (next != ',' && next != '\n') {
            throw new AssertionError("a quote inside a field, before " + (char) next);
          }
          return b.toByteArray();
        }
      }
      if (md != null) {
        md.update((byte) c);
      } else {
        b.write(c);
      }
    }
  }
}

package io.starmap.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.starmap.importer.Header;
import io.starmap.importer.ImportListener;
import io.starmap.importer.ImportOptions;
import io.starmap.importer.ImportReport;
import io.starmap.importer.Importer;
import io.starmap.importer.db.Database;
import io.starmap.importer.testing.PostgresExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Splitting at quote-aware record boundaries loses and invents nothing, through the real importer
 * and PostgreSQL: a generated hostile CSV block imported whole (one piece) and the same block
 * repeated into a file of a few megabytes, which the planner cuts into several pieces at 1 MB
 * targets (the smallest task size it allows), give the same rows, and both equal the generated
 * values. CI: 4 tries; full: 40 (each try checked ten times).
 */
class SplitImportPropertiesIT {
  private static final PostgresExtension PG = new PostgresExtension();
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static final long BIG_BYTES = 3L << 20;
  private static Path dir;
  static long rowsChecked;
  static long piecesSeen;

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("starmap-split-");
  }

  @AfterContainer
  static void stop() throws IOException {
    System.out.printf("SplitImportPropertiesIT: %d rows checked over %d pieces%n", rowsChecked,
        piecesSeen);
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Provide
  Arbitrary<Csv.Doc> docs() {
    return Csv.docs(60);
  }

  @Property(tries = 4)
  void piecesGiveTheSameRowsAsTheWholeFile(@ForAll("docs") Csv.Doc doc) throws Exception {
    if (Sizes.FULL) {
      for (int i = 0; i < 9; i++) {
        check(doc); // full size: ten times the tries, each on the same shapes at other offsets
      }
    }
    check(doc);
  }

  private void check(Csv.Doc doc) throws Exception {
    Database db = PG.database();
    int n = doc.records().size();
    int id = TABLES.incrementAndGet();
    String whole = "whole_" + id;
    String split = "split_" + id;
    Path small = dir.resolve(whole + ".csv");
    Files.write(small, Csv.write(doc, Integer::toString));
    Path big = dir.resolve(split + ".csv");
    long blocks = 0;
    try (OutputStream out = Files.newOutputStream(big)) {
      long written = 0;
      while (written < BIG_BYTES) {
        final long block = blocks++;
        byte[] b = Csv.write(doc, i -> Long.toString(block * n + i));
        out.write(b);
        written += b.length;
      }
    }
    String columns = "id bigint, a text, b text, c text";
    ImportReport one = Importer.run(db, ImportOptions.builder(whole).path(small.toString())
        .create(columns).header(Header.NO).build(), ImportListener.none());
    ImportReport many = Importer.run(db, ImportOptions.builder(split).path(big.toString())
        .create(columns).header(Header.NO).taskSizeMb(1).workers(2).build(),
        ImportListener.none());
    assertThat(one.pieces()).isEqualTo(1);
    assertThat(many.pieces()).as("the big file is cut").isGreaterThan(1);
    assertThat(many.rowsLoaded()).isEqualTo(blocks * n);
    piecesSeen += many.pieces();

    List<List<String>> expected = doc.values();
    try (Connection c = db.connect()) {
      assertThat(rows(c, whole, n)).isEqualTo(expected);
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
          "SELECT id, a, b, c FROM " + split + " ORDER BY id")) {
        long expectId = 0;
        while (rs.next()) {
          long rowId = rs.getLong(1);
          assertThat(rowId).isEqualTo(expectId++);
          List<String> row = Arrays.asList(rs.getString(2), rs.getString(3), rs.getString(4));
          assertThat(row).as("row %d", rowId).isEqualTo(expected.get((int) (rowId % n)));
        }
        assertThat(expectId).isEqualTo(blocks * n);
      }
    }
    rowsChecked += n + blocks * n;
    Files.delete(small);
    Files.delete(big);
  }

  private static List<List<String>> rows(Connection c, String table, int n) throws SQLException {
    List<List<String>> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT a, b, c FROM " + table + " ORDER BY id")) {
      while (rs.next()) {
        out.add(Arrays.asList(rs.getString(1), rs.getString(2), rs.getString(3)));
      }
    }
    assertThat(out).hasSize(n);
    return out;
  }
}

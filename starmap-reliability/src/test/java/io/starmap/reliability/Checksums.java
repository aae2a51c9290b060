package io.starmap.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The content of a price table, summarised the same way from the files and in SQL: the row count
 * and the sum of the first 60 bits of each line's MD5. A lost row, a duplicated row or a changed
 * value changes the sum.
 *
 * @param rows the number of rows
 * @param md5Sum the sum of the 60-bit prefixes of the rows' MD5s
 */
record Checksums(long rows, BigInteger md5Sum) {

  /** The lines of {@code code,date,value} files (no header) of a directory. */
  static Checksums ofFiles(Path dir) throws IOException {
    MessageDigest md5 = md5();
    long rows = 0;
    BigInteger sum = BigInteger.ZERO;
    long partial = 0; // 60-bit values: sixteen of them fit in a long before folding
    int inPartial = 0;
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
    for (Path f : files) {
      try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.isEmpty()) {
            continue;
          }
          byte[] d = md5.digest(line.getBytes(StandardCharsets.UTF_8));
          String hex = HexFormat.of().formatHex(d, 0, 8).substring(0, 15);
          partial += Long.parseLong(hex, 16);
          if (++inPartial == 7) {
            sum = sum.add(BigInteger.valueOf(partial));
            partial = 0;
            inPartial = 0;
          }
          rows++;
        }
      }
    }
    return new Checksums(rows, sum.add(BigInteger.valueOf(partial)));
  }

  /** The same summary computed by PostgreSQL from the table's typed columns. */
  static Checksums ofTable(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT count(*), coalesce(sum(('x' || substr(md5(code || ',' || to_char(date,"
            + " 'YYYY-MM-DD') || ',' || value::text), 1, 15))::bit(60)::bigint), 0) FROM "
            + table)) {
      rs.next();
      return new Checksums(rs.getLong(1), rs.getBigDecimal(2).toBigIntegerExact());
    }
  }

  /** Rows that appear more than once by key (code, date). */
  static long duplicates(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT count(*) - count(DISTINCT (code, date)) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

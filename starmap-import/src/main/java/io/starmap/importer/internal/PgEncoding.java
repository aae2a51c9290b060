package io.starmap.importer.internal;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The file encodings an import accepts: those that both PostgreSQL's COPY and the JDK know, so that
 * the server converts the rows and the importer reads the header with the same table. A name
 * outside this list is refused before anything runs, with the list in the message; it used to
 * reach the server (or fall back to UTF-8 silently on this side).
 */
public final class PgEncoding {
  private PgEncoding() {}

  /** PostgreSQL's name of each encoding, and the JDK charset that reads the same bytes. */
  private static final String[][] TABLE = {
      {"UTF8", "UTF-8"}, {"SQL_ASCII", "US-ASCII"}, {"LATIN1", "ISO-8859-1"},
      {"LATIN2", "ISO-8859-2"}, {"LATIN3", "ISO-8859-3"}, {"LATIN4", "ISO-8859-4"},
      {"LATIN5", "ISO-8859-9"}, {"LATIN7", "ISO-8859-13"}, {"LATIN9", "ISO-8859-15"},
      {"ISO_8859_5", "ISO-8859-5"}, {"ISO_8859_6", "ISO-8859-6"}, {"ISO_8859_7", "ISO-8859-7"},
      {"ISO_8859_8", "ISO-8859-8"}, {"WIN866", "IBM866"}, {"WIN874", "x-windows-874"},
      {"WIN1250", "windows-1250"}, {"WIN1251", "windows-1251"}, {"WIN1252", "windows-1252"},
      {"WIN1253", "windows-1253"}, {"WIN1254", "windows-1254"}, {"WIN1255", "windows-1255"},
      {"WIN1256", "windows-1256"}, {"WIN1257", "windows-1257"}, {"WIN1258", "windows-1258"},
      {"KOI8R", "KOI8-R"}, {"KOI8U", "KOI8-U"}, {"EUC_JP", "EUC-JP"}, {"EUC_KR", "EUC-KR"},
      {"EUC_CN", "GB2312"}, {"SJIS", "Shift_JIS"}, {"BIG5", "Big5"}, {"GBK", "GBK"},
      {"GB18030", "GB18030"}, {"UHC", "x-windows-949"}, {"LATIN6", "ISO-8859-10"},
      {"LATIN8", "ISO-8859-14"}, {"LATIN10", "ISO-8859-16"}, {"JOHAB", "x-Johab"},
      {"EUC_TW", "x-EUC-TW"}};

  /**
   * Every spelling of every encoding (PostgreSQL's names, the JDK's names and their aliases) to
   * PostgreSQL's name. Made only for a name that is not one of the table's own: it loads every
   * charset of the table, which an import of UTF-8 files (nearly all of them) should not pay for at
   * each start.
   */
  private static final class Aliases {
    static final Map<String, String> ALL = new LinkedHashMap<>();

    static {
      for (String[] row : TABLE) {
        if (!Charset.isSupported(row[1])) {
          continue; // a trimmed JDK without the extended charsets
        }
        Charset cs = Charset.forName(row[1]);
        ALL.putIfAbsent(normal(row[0]), row[0]);
        ALL.putIfAbsent(normal(cs.name()), row[0]);
        for (String alias : cs.aliases()) {
          ALL.putIfAbsent(normal(alias), row[0]);
        }
      }
      ALL.put(normal("ASCII"), "SQL_ASCII");
    }
  }

  private static String normal(String name) {
    return name.strip().toUpperCase(Locale.ROOT).replace("_", "").replace("-", "");
  }

  /**
   * The PostgreSQL name of the encoding that {@code name} spells ({@code utf-8}, {@code latin1},
   * {@code windows-1252}, {@code cp1252}, {@code WIN1252} ...).
   *
   * @throws IllegalArgumentException naming {@code name} and the known encodings when it is none
   */
  public static String pgName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("encoding must not be blank");
    }
    String n = normal(name);
    for (String[] row : TABLE) {
      if (n.equals(normal(row[0])) || n.equals(normal(row[1]))) {
        return row[0];
      }
    }
    String pg = Aliases.ALL.get(n);
    if (pg != null) {
      return pg;
    }
    if (n.startsWith("UTF16") || n.startsWith("UTF32")) {
      throw new IllegalArgumentException("encoding " + quoted(name)
          + " is not supported by PostgreSQL COPY; convert the files to UTF-8");
    }
    throw new IllegalArgumentException("unknown encoding " + quoted(name) + "; known: "
        + String.join(", ", known()) + " (or their usual names, e.g. UTF-8, ISO-8859-1,"
        + " windows-1252)");
  }

  /**
   * The JDK charset for a PostgreSQL encoding name that {@link #pgName} returned. SQL_ASCII
   * (bytes passed through unchecked) reads as UTF-8, the likeliest content of such files.
   */
  public static Charset charset(String pgName) {
    if (pgName.equals("SQL_ASCII")) {
      return StandardCharsets.UTF_8;
    }
    for (String[] row : TABLE) {
      if (row[0].equals(pgName) && Charset.isSupported(row[1])) {
        return Charset.forName(row[1]);
      }
    }
    throw new IllegalArgumentException("unknown encoding " + quoted(pgName));
  }

  /** PostgreSQL's names of the encodings that this JDK can read too. */
  private static List<String> known() {
    return Arrays.stream(TABLE).filter(row -> Charset.isSupported(row[1]))
        .map(row -> row[0]).toList();
  }

  /** {@code 'a''b'}: the name quoted so that a quote or a blank inside it stays visible. */
  private static String quoted(String name) {
    return "'" + name.replace("'", "''") + "'";
  }
}

package io.starmap.importer.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growing buffer of CSV bytes: the rows the ledger sends with COPY. */
final class CsvBytes {
  byte[] buf;
  int n;

  CsvBytes(int capacity) {
    buf = new byte[Math.max(64, capacity)];
  }

  private void room(int more) {
    if (n + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }
  }

  CsvBytes raw(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, buf, n, b.length);
    n += b.length;
    return this;
  }

  CsvBytes comma() {
    room(1);
    buf[n++] = ',';
    return this;
  }

  CsvBytes newline() {
    room(1);
    buf[n++] = '\n';
    return this;
  }

  /** A string of ASCII characters that need no quoting (a hex hash, a number) as it is. */
  CsvBytes ascii(String s) {
    int len = s.length();
    room(len);
    for (int i = 0; i < len; i++) {
      buf[n++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** A number's decimal digits, written in place (the ledger writes six per file). */
  CsvBytes number(long v) {
    if (v < 0) {
      return ascii(Long.toString(v));
    }
    int digits = 1;
    for (long rest = v / 10; rest != 0; rest /= 10) {
      digits++;
    }
    room(digits);
    for (int i = n + digits - 1; i >= n; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    n += digits;
    return this;
  }

  /** A quoted field in UTF-8, quotes doubled. */
  CsvBytes quoted(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    room(b.length * 2 + 2);
    buf[n++] = '"';
    if (s.indexOf('"') < 0) {
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
    } else {
      for (byte x : b) {
        if (x == '"') {
          buf[n++] = '"';
        }
        buf[n++] = x;
      }
    }
    buf[n++] = '"';
    return this;
  }

  byte[] bytes() {
    return Arrays.copyOf(buf, n);
  }
}

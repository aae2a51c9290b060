package io.starmap.core.internal.util;

import java.util.Locale;

/** Renders byte counts for people: {@code 1.2 MB}. Decimal units, as disks and networks count. */
public final class Bytes {
  private Bytes() {}

  /** {@code 0 B}, {@code 999 B}, {@code 1.2 KB}, {@code 48 MB}, {@code 3.1 GB}. */
  public static String human(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB", "PB"};
    double value = bytes;
    int unit = -1;
    while (value >= 999.95 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
  }
}

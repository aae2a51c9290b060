package io.starmap.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The entries of an archive that {@code calcs restore} accepts, checked before anything is
 * written, and their expansion to disk within a cap: an archive is input from anyone, so its
 * names, its ids and its sizes are all distrusted.
 *
 * @param db the {@code calcs.sqlite} entry
 * @param datastores the {@code calc_<id>.hdf5} entries by archived calculation id
 */
record ArchiveEntries(ZipEntry db, Map<Long, ZipEntry> datastores) {
  private static final Pattern DATASTORE = Pattern.compile("calc_(\\d+)\\.hdf5");

  /**
   * The most bytes one entry may expand to on disk, whatever it declares: the free space of the
   * home's file system (an entry larger than that cannot be restored anyway, and a bomb would
   * fill the disk), or less when a test sets {@link #entryCapForTests}.
   */
  static long entryCap(Path home) throws IOException {
    return Math.min(entryCapForTests, Files.getFileStore(home).getUsableSpace());
  }

  /** A lower entry cap, for tests that cannot fill a disk. */
  static volatile long entryCapForTests = Long.MAX_VALUE;

  /** Checks the manifest and every entry's name before anything is written. */
  static ArchiveEntries check(ZipFile z, Path zip, Path home) throws IOException {
    ZipEntry manifest = z.getEntry("MANIFEST");
    if (manifest == null || !readManifest(z, manifest).startsWith(CalcArchive.MAGIC + "\n")) {
      throw new IllegalArgumentException(zip + " is not a Starmap calculation archive (no "
          + CalcArchive.MAGIC + " MANIFEST): refused");
    }
    String text = readManifest(z, manifest);
    if (!text.contains("\nformat 1\n")) {
      throw new IllegalArgumentException(zip + " has an archive format this starmap does not"
          + " know: " + text.lines().skip(1).findFirst().orElse("?"));
    }
    Map<Long, ZipEntry> datastores = new LinkedHashMap<>();
    ZipEntry db = null;
    for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
      ZipEntry entry = e.nextElement();
      String name = entry.getName();
      Path target = home.resolve(name).normalize();
      if (name.contains("..") || name.startsWith("/") || name.contains("\\")
          || name.contains(":") || !target.startsWith(home)) {
        throw new IllegalArgumentException("archive entry '" + name + "' of " + zip
            + " would write outside STARMAP_HOME " + home + ": refused, nothing restored");
      }
      var m = DATASTORE.matcher(name);
      if (m.matches()) {
        datastores.put(calcId(m.group(1), name, zip), entry);
      } else if (name.equals("calcs.sqlite")) {
        db = entry;
      } else if (!name.equals("MANIFEST")) {
        throw new IllegalArgumentException("archive entry '" + name + "' of " + zip
            + " is not part of a Starmap archive: refused, nothing restored");
      }
    }
    if (db == null) {
      throw new IllegalArgumentException(zip + " has no calcs.sqlite: not a complete Starmap"
          + " archive");
    }
    return new ArchiveEntries(db, datastores);
  }

  private static long calcId(String digits, String name, Path zip) {
    try {
      long id = Long.parseLong(digits);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // out of range: refused below
    }
    throw new IllegalArgumentException("archive entry '" + name + "' of " + zip
        + " names calculation " + digits + ", which is not a calculation id (1 to "
        + Long.MAX_VALUE + "): refused, nothing restored");
  }

  /**
   * Expands {@code entry} into {@code target}, writing at most its declared size and never more
   * than {@code cap} bytes: an entry that declares more is refused before a byte is written, one
   * that expands past what it declared (a zip bomb lies in its header) as soon as it does.
   */
  static void copyCapped(ZipFile z, ZipEntry entry, Path target, long cap, Path zip)
      throws IOException {
    long declared = entry.getSize();
    if (declared > cap) {
      throw new IllegalArgumentException("archive entry '" + entry.getName() + "' of " + zip
          + " declares " + declared + " bytes, more than the " + cap + " bytes it may take in"
          + " STARMAP_HOME (the free space): refused, nothing restored");
    }
    try (InputStream in = z.getInputStream(entry)) {
      copyCapped(in, target, declared >= 0 ? declared : cap,
          "archive entry '" + entry.getName() + "' of " + zip);
    }
  }

  /** Copies {@code in} to {@code target}, refusing it once it passes {@code limit} bytes. */
  static void copyCapped(InputStream in, Path target, long limit, String what)
      throws IOException {
    byte[] buf = new byte[1 << 16];
    long total = 0;
    try (OutputStream out = io.starmap.core.internal.util.OwnerOnly.newOutputStream(target)) {
      while (true) {
        // one byte more than the limit allows tells an overflow, and is not written
        int n = in.read(buf, 0, (int) Math.min(buf.length, limit - total + 1));
        if (n < 0) {
          return;
        }
        if (total + n > limit) {
          throw new IllegalArgumentException(what + " expands past " + limit + " bytes, the"
              + " size it declares or the free space (a zip bomb?): refused, nothing restored");
        }
        out.write(buf, 0, n);
        total += n;
      }
    }
  }

  static String readManifest(ZipFile z, ZipEntry e) throws IOException {
    try (InputStream in = z.getInputStream(e)) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    }
  }

}

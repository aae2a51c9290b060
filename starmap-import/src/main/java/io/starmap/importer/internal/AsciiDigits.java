package io.starmap.importer.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes read as one little-endian word (the field search of {@link BinaryRows}), and up to
 * eight ASCII digits of such a word converted without a branch per digit ({@link PgTextParsers}'
 * short numbers).
 */
final class AsciiDigits {
  private AsciiDigits() {}

  /** A byte of ones in each byte of a word. */
  static final long ONES = 0x0101010101010101L;
  private static final long HIGH_NIBBLES = 0xF0F0F0F0F0F0F0F0L;
  private static final long ZEROS = 0x3030303030303030L;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The eight bytes at {@code i} (which the caller knows are in {@code b}), first one lowest. */
  static long word(byte[] b, int i) {
    return (long) LONG_LE.get(b, i);
  }

  /**
   * The value of the {@code count} (1 to 8) ASCII digits in the low bytes of {@code w}, first
   * digit lowest (as read little-endian); -1 when one of them is not a digit.
   */
  static long value(long w, int count) {
    long in = -1L >>> (64 - (count << 3));
    long expected = ZEROS & in;
    // a digit is 0x30-0x39: high nibble 3, and still 3 after adding 6
    if ((w & HIGH_NIBBLES & in) != expected
        || ((w + ONES * 6) & HIGH_NIBBLES & in) != expected) {
      return -1;
    }
    // right-aligned, so that the bytes below are leading zeros; then pairs, fours, eight
    long v = (w & 0x0F0F0F0F0F0F0F0FL & in) << (64 - (count << 3));
    v = (v * 2561) >>> 8;
    v = ((v & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
    return ((v & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
  }
}

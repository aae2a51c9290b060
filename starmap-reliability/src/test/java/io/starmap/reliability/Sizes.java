package io.starmap.reliability;

/**
 * The size of the suite: small by default (CI, about five minutes on two cores), the full-size
 * attacks with {@code -Dstarmap.reliability.full=true}.
 */
final class Sizes {
  /** True when the full-size versions run. */
  static final boolean FULL = Boolean.getBoolean("starmap.reliability.full");

  private Sizes() {}

  /** {@code ci} by default, {@code full} with {@code -Dstarmap.reliability.full=true}. */
  static int pick(int ci, int full) {
    return FULL ? full : ci;
  }
}

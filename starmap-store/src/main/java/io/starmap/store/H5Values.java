package io.starmap.store;

/**
 * The values an attribute of an {@link H5Group} takes, as stored. Tested with {@code instanceof},
 * not with a pattern {@code switch}: that one is linked at its first call through {@code
 * invokedynamic}, a class generated in every process, and every calculation ends by writing its
 * attributes.
 */
final class H5Values {
  private H5Values() {}

  /**
   * {@code value} as stored: a String, Long or Double as it is, an Integer widened to Long, a
   * Float to Double, a Boolean as 1 or 0, a copy of a long[] or double[].
   *
   * @throws IllegalArgumentException naming the group and the attribute when {@code value} is
   *     null or of another type
   */
  static Object attribute(String group, String attribute, Object value) {
    if (value == null) {
      throw new IllegalArgumentException("attribute " + attribute + " of " + group + " is null");
    }
    if (value instanceof String || value instanceof Long || value instanceof Double) {
      return value;
    }
    if (value instanceof Integer i) {
      return (long) i;
    }
    if (value instanceof Float f) {
      return (double) f;
    }
    if (value instanceof Boolean b) {
      return b ? 1L : 0L;
    }
    if (value instanceof long[] a) {
      return a.clone();
    }
    if (value instanceof double[] a) {
      return a.clone();
    }
    throw new IllegalArgumentException("attribute " + attribute + " of " + group
        + " has unsupported type " + value.getClass().getName());
  }
}

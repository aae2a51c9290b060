package io.starmap.core;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A map from names to addable values, the natural result of a task and the natural accumulator of
 * a reduce: adding two maps merges their keys, and adds the values of the keys they share.
 *
 * <ul>
 *   <li>numbers are added: two {@code Integer}s give an {@code Integer}, integral numbers a
 *       {@code Long} (overflow is an error, not a wrap), {@code BigInteger}s and {@code
 *       BigDecimal}s their exact sum, anything else a {@code Double};
 *   <li>primitive arrays ({@code double[]}, {@code long[]}, {@code int[]}, {@code float[]}) are
 *       added element by element and must have the same length;
 *   <li>lists are concatenated;
 *   <li>nested {@code AccumMap}s are merged by the same rules.
 * </ul>
 *
 * <p>Any other value type, or two values of different kinds under one key, is an {@link
 * IllegalArgumentException} that names the key.
 *
 * <p>An {@code AccumMap} is mutable and not thread-safe: it is meant to be filled by one task and
 * reduced by the master's thread. Two ways of adding exist:
 *
 * <ul>
 *   <li>{@link #plus} returns a new map and changes neither operand: use it with a shared
 *       identity, {@code starmap.reduce(args, AccumMap.empty(), AccumMap::plus)};
 *   <li>{@link #add} adds in place and returns this map, without copying the accumulated arrays:
 *       the fast way for big arrays, {@code starmap.reduce(args, new AccumMap(), AccumMap::add)},
 *       safe as long as the identity is a fresh map that nobody else holds.
 * </ul>
 *
 * Neither ever stores an array, list or map of the other operand: what is added is copied, so
 * later additions never reach into a task's result.
 */
public final class AccumMap implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The entries, in insertion order. */
  private final LinkedHashMap<String, Object> values = new LinkedHashMap<>();

  /** An empty map. */
  public AccumMap() {}

  /**
   * A new empty map: the identity of {@link #plus} and {@link #add}.
   *
   * @return a fresh, mutable map with no keys, which the caller owns
   */
  public static AccumMap empty() {
    return new AccumMap();
  }

  /**
   * A map of the given key-value pairs, in order: {@code AccumMap.of("rows", 10L, "sizes", new
   * long[] {3, 4})}.
   *
   * @param keysAndValues alternating keys (non-null strings) and addable values; empty gives an
   *     empty map
   * @return a new mutable map holding the pairs in argument order
   * @throws IllegalArgumentException for an odd number of arguments, a key that is not a string,
   *     a repeated key or a value that cannot be added
   */
  public static AccumMap of(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "AccumMap.of takes key-value pairs, got " + keysAndValues.length + " arguments");
    }
    AccumMap map = new AccumMap();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (!(keysAndValues[i] instanceof String key)) {
        throw new IllegalArgumentException("AccumMap keys are strings, argument " + i + " is "
            + keysAndValues[i]);
      }
      if (map.values.containsKey(key)) {
        throw new IllegalArgumentException("key '" + key + "' given twice");
      }
      map.put(key, keysAndValues[i + 1]);
    }
    return map;
  }

  /**
   * Sets {@code key} to {@code value}, replacing what was there. The value itself is stored (an
   * array is not copied); a {@code Map} with string keys is stored as a nested {@code AccumMap}.
   *
   * @param key the name to set; not null
   * @param value an addable value (number, primitive array, list, {@code AccumMap} or map with
   *     string keys); stored as is, not copied
   * @return this map
   * @throws IllegalArgumentException when {@code value} is not addable
   */
  public AccumMap put(String key, Object value) {
    Objects.requireNonNull(key, "key");
    values.put(key, checked(key, value));
    return this;
  }

  /**
   * The value of {@code key}, or null.
   *
   * @param key the name to look up
   * @return the stored value itself (not a copy), or null when the key is absent
   */
  public Object get(String key) {
    return values.get(key);
  }

  /**
   * True when {@code key} has a value.
   *
   * @param key the name to look up
   * @return true when the key is present
   */
  public boolean containsKey(String key) {
    return values.containsKey(key);
  }

  /**
   * The keys, in insertion order; unmodifiable.
   *
   * @return the live key set, in insertion order; it cannot be modified through this view
   */
  public Set<String> keySet() {
    return Collections.unmodifiableSet(values.keySet());
  }

  /**
   * A read-only view of the entries; arrays and lists inside are the stored ones.
   *
   * @return an unmodifiable view that follows later changes of this map
   */
  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(values);
  }

  /**
   * How many keys.
   *
   * @return the number of keys, 0 or more
   */
  public int size() {
    return values.size();
  }

  /**
   * True when there are no keys.
   *
   * @return true when {@link #size()} is 0
   */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /**
   * A deep copy: arrays, lists and nested maps are copied.
   *
   * @return a new map that shares no mutable value with this one
   */
  public AccumMap copy() {
    AccumMap c = new AccumMap();
    values.forEach((k, v) -> c.values.put(k, deepCopy(v)));
    return c;
  }

  /**
   * A new map with the keys of both, the shared ones added; neither operand changes.
   *
   * @param other the map to add to this one; not null, not changed
   * @return a new map; this map and {@code other} are unchanged
   * @throws IllegalArgumentException when a shared key holds values that cannot be added
   */
  public AccumMap plus(AccumMap other) {
    return copy().add(other);
  }

  /**
   * Adds {@code other} into this map, in place, and returns this map. If it throws, keys before
   * the failing one have been added.
   *
   * @param other the map to add into this one; not null, not changed, and none of its arrays,
   *     lists or maps is stored here
   * @return this map, for chaining and for use as a reduce accumulator
   * @throws IllegalArgumentException when a shared key holds values that cannot be added
   */
  public AccumMap add(AccumMap other) {
    Objects.requireNonNull(other, "other");
    if (other == this) {
      return add(other.copy());
    }
    for (Map.Entry<String, Object> e : other.values.entrySet()) {
      String key = e.getKey();
      Object mine = values.get(key);
      if (mine == null) {
        values.put(key, deepCopy(e.getValue()));
      } else {
        values.put(key, addInPlace(key, mine, e.getValue()));
      }
    }
    return this;
  }

  private static Object checked(String key, Object value) {
    if (value instanceof Map<?, ?> m && !(value instanceof AccumMap)) {
      AccumMap nested = new AccumMap();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new IllegalArgumentException("key '" + key + "' holds a map with the non-string key "
              + e.getKey() + "; AccumMap keys are strings");
        }
        try {
          nested.put(k, e.getValue());
        } catch (IllegalArgumentException bad) {
          throw new IllegalArgumentException("in key '" + key + "': " + bad.getMessage(), bad);
        }
      }
      return nested;
    }
    if (value instanceof Number || value instanceof double[] || value instanceof long[]
        || value instanceof int[] || value instanceof float[] || value instanceof List<?>
        || value instanceof AccumMap) {
      return value;
    }
    throw new IllegalArgumentException("key '" + key + "' holds "
        + (value == null ? "null" : "a " + value.getClass().getName())
        + ", which cannot be added; AccumMap values are numbers, double[], long[], int[], float[],"
        + " lists or nested maps");
  }

  private static Object deepCopy(Object v) {
    if (v instanceof double[] a) {
      return a.clone();
    } else if (v instanceof long[] a) {
      return a.clone();
    } else if (v instanceof int[] a) {
      return a.clone();
    } else if (v instanceof float[] a) {
      return a.clone();
    } else if (v instanceof List<?> l) {
      return new ArrayList<>(l);
    } else if (v instanceof AccumMap m) {
      return m.copy();
    }
    return v;
  }

  /** Adds {@code theirs} to {@code mine}, reusing {@code mine}'s storage when it can. */
  @SuppressWarnings("unchecked")
  private static Object addInPlace(String key, Object mine, Object theirs) {
    if (mine instanceof Number a && theirs instanceof Number b) {
      return addNumbers(key, a, b);
    } else if (mine instanceof double[] a && theirs instanceof double[] b) {
      sameLength(key, a.length, b.length);
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    } else if (mine instanceof long[] a && theirs instanceof long[] b) {
      sameLength(key, a.length, b.length);
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    } else if (mine instanceof int[] a && theirs instanceof int[] b) {
      sameLength(key, a.length, b.length);
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    } else if (mine instanceof float[] a && theirs instanceof float[] b) {
      sameLength(key, a.length, b.length);
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    } else if (mine instanceof List<?> a && theirs instanceof List<?> b) {
      // Lists in the map are our own copies, except those put() by the user: copy those once.
      ArrayList<Object> list = a instanceof ArrayList<?> ? (ArrayList<Object>) a
          : new ArrayList<>(a);
      list.addAll(b);
      return list;
    } else if (mine instanceof AccumMap a && theirs instanceof AccumMap b) {
      try {
        return a.add(b);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("in key '" + key + "': " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException("key '" + key + "' holds values that cannot be added: "
        + kind(mine) + " and " + kind(theirs));
  }

  private static Number addNumbers(String key, Number a, Number b) {
    try {
      if (a instanceof Integer x && b instanceof Integer y) {
        return Math.addExact(x, y);
      }
      if (integral(a) && integral(b)) {
        return Math.addExact(a.longValue(), b.longValue());
      }
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("key '" + key + "': " + a + " + " + b + " overflows", e);
    }
    if ((a instanceof BigInteger || integral(a)) && (b instanceof BigInteger || integral(b))) {
      return big(a).add(big(b));
    }
    if (a instanceof BigDecimal || b instanceof BigDecimal) {
      return decimal(a).add(decimal(b));
    }
    return a.doubleValue() + b.doubleValue();
  }

  private static boolean integral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }

  private static BigInteger big(Number n) {
    return n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    return integral(n) ? BigDecimal.valueOf(n.longValue()) : BigDecimal.valueOf(n.doubleValue());
  }

  private static void sameLength(String key, int mine, int theirs) {
    if (mine != theirs) {
      throw new IllegalArgumentException("key '" + key + "' holds arrays of different lengths: "
          + mine + " and " + theirs);
    }
  }

  private static String kind(Object v) {
    return v.getClass().isArray() ? v.getClass().getComponentType() + "[" + java.lang.reflect.Array
        .getLength(v) + "]" : v.getClass().getSimpleName();
  }

  /** Equal when the keys are the same and the values are equal, arrays by content. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AccumMap other) || other.values.size() != values.size()) {
      return false;
    }
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Object theirs = other.values.get(e.getKey());
      if (theirs == null || !Objects.deepEquals(e.getValue(), theirs)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<String, Object> e : values.entrySet()) {
      h += e.getKey().hashCode() ^ Arrays.deepHashCode(new Object[] {e.getValue()});
    }
    return h;
  }

  /** {@code {rows=10, sizes=[3, 4]}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      Object v = e.getValue();
      sb.append(e.getKey()).append('=')
          .append(v.getClass().isArray() ? Arrays.deepToString(new Object[] {v})
              .replaceAll("^\\[|\\]$", "") : v);
    }
    return sb.append('}').toString();
  }
}

package io.starmap.store;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A group of an HDF5 datastore held in memory: named 1-D datasets (int64, float64, uint8,
 * fixed-length UTF-8 strings), attributes and child groups. Objects write themselves into one
 * with {@link H5Writable#writeTo} and read themselves back with an {@link H5Readable}; the store
 * turns the tree into the file when the calculation ends.
 *
 * <p>Keeping the tree in memory is deliberate: the HDF5 writer (jhdf) writes a file only as a
 * whole, and a tree of plain arrays keeps the persistence protocol independent of it.
 */
public final class H5Group {
  private final String name;
  private final Map<String, Object> datasets = new LinkedHashMap<>();
  private final Map<String, Object> attributes = new LinkedHashMap<>();
  private final Map<String, H5Group> groups = new LinkedHashMap<>();

  /**
   * An empty group named {@code name} ({@code "/"} for a root).
   *
   * @param name the group's name or path as HDF5 shows it
   */
  public H5Group(String name) {
    this.name = name;
  }

  /**
   * This group's name.
   *
   * @return the name given at creation
   */
  public String name() {
    return name;
  }

  /**
   * The child group {@code path} ({@code a/b} nests), created when missing.
   *
   * @param path one name or several joined by {@code /}; each name not blank
   * @return the existing or new child group
   * @throws IllegalArgumentException when a name is blank or is a dataset of its parent
   */
  public H5Group group(String path) {
    H5Group g = this;
    for (String part : split(path)) {
      if (g.datasets.containsKey(part)) {
        throw new IllegalArgumentException("'" + part + "' in " + g.name
            + " is a dataset, not a group");
      }
      H5Group parent = g;
      g = parent.groups.computeIfAbsent(part, H5Group::new);
    }
    return g;
  }

  /**
   * An int64 dataset.
   *
   * @param dataset the dataset's name; not blank, no {@code /}
   * @param values the values; copied
   * @return this group
   * @throws IllegalArgumentException when the name is bad or is a child group's
   */
  public H5Group put(String dataset, long[] values) {
    return putArray(dataset, values.clone());
  }

  /**
   * An int64 dataset from ints.
   *
   * @param dataset the dataset's name; not blank, no {@code /}
   * @param values the values; copied as longs
   * @return this group
   * @throws IllegalArgumentException when the name is bad or is a child group's
   */
  public H5Group put(String dataset, int[] values) {
    return putArray(dataset, Arrays.stream(values).asLongStream().toArray());
  }

  /**
   * A float64 dataset.
   *
   * @param dataset the dataset's name; not blank, no {@code /}
   * @param values the values; copied
   * @return this group
   * @throws IllegalArgumentException when the name is bad or is a child group's
   */
  public H5Group put(String dataset, double[] values) {
    return putArray(dataset, values.clone());
  }

  /**
   * A fixed-length UTF-8 string dataset; nulls are written as empty strings.
   *
   * @param dataset the dataset's name; not blank, no {@code /}
   * @param values the values; copied
   * @return this group
   * @throws IllegalArgumentException when the name is bad or is a child group's
   */
  public H5Group put(String dataset, String[] values) {
    String[] copy = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      copy[i] = values[i] == null ? "" : values[i];
    }
    return putArray(dataset, copy);
  }

  /**
   * A uint8 dataset of 0 and 1 (booleans as uint8, which every HDF5 reader understands).
   *
   * @param dataset the dataset's name; not blank, no {@code /}
   * @param values the values; copied as 0 and 1
   * @return this group
   * @throws IllegalArgumentException when the name is bad or is a child group's
   */
  public H5Group put(String dataset, boolean[] values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) (values[i] ? 1 : 0);
    }
    return putArray(dataset, b);
  }

  /**
   * A uint8 dataset.
   *
   * @param dataset the dataset's name; not blank, no {@code /}
   * @param values the values; copied
   * @return this group
   * @throws IllegalArgumentException when the name is bad or is a child group's
   */
  public H5Group put(String dataset, byte[] values) {
    return putArray(dataset, values.clone());
  }

  private H5Group putArray(String dataset, Object array) {
    check(dataset);
    if (groups.containsKey(dataset)) {
      throw new IllegalArgumentException("'" + dataset + "' in " + name + " is a group");
    }
    datasets.put(dataset, array);
    return this;
  }

  /**
   * An attribute: a {@code String}, a {@code Long}/{@code Integer}, a {@code Double}, a {@code
   * Boolean} (stored as 0/1), or a {@code long[]}/{@code double[]}. A name {@code
   * dataset.attribute} whose prefix is a dataset of this group ({@code "time_sec.units"}) goes to
   * that dataset, as read back.
   *
   * @param attribute the attribute's name, or {@code dataset.attribute} for a dataset's
   * @param value a value of one of the types above; replaces an earlier one of that name
   * @return this group
   * @throws IllegalArgumentException naming the attribute when the value is null or of another
   *     type
   */
  public H5Group attr(String attribute, Object value) {
    check(attribute);
    Object v = H5Values.attribute(name, attribute, value);
    attributes.put(attribute, v);
    return this;
  }

  /**
   * The names of the datasets, in insertion order.
   *
   * @return the live dataset names; unmodifiable
   */
  public Set<String> datasetNames() {
    return Collections.unmodifiableSet(datasets.keySet());
  }

  /**
   * The names of the child groups, in insertion order.
   *
   * @return the live child group names; unmodifiable
   */
  public Set<String> groupNames() {
    return Collections.unmodifiableSet(groups.keySet());
  }

  /**
   * The attributes (values as stored: String, Long, Double, long[], double[]).
   *
   * @return the live attributes, by name; unmodifiable
   */
  public Map<String, Object> attributes() {
    return Collections.unmodifiableMap(attributes);
  }

  /**
   * Whether a dataset, group or attribute named {@code key} exists here.
   *
   * @param key a dataset, group or attribute name
   * @return true when this group has one of that name
   */
  public boolean has(String key) {
    return datasets.containsKey(key) || groups.containsKey(key) || attributes.containsKey(key);
  }

  /**
   * The child group {@code path}, which must exist.
   *
   * @param path one name or several joined by {@code /}
   * @return the existing child group
   * @throws java.util.NoSuchElementException naming the missing group and the ones there are
   */
  public H5Group child(String path) {
    H5Group g = this;
    for (String part : split(path)) {
      H5Group next = g.groups.get(part);
      if (next == null) {
        throw new NoSuchElementException("no group '" + part + "' in " + g.name
            + " (groups: " + g.groups.keySet() + ")");
      }
      g = next;
    }
    return g;
  }

  /**
   * The raw array of a dataset (long[], double[], String[] or byte[]).
   *
   * @param dataset the dataset's name
   * @return the stored array itself, not a copy
   * @throws java.util.NoSuchElementException naming the missing dataset
   */
  public Object dataset(String dataset) {
    Object v = datasets.get(dataset);
    if (v == null) {
      throw new NoSuchElementException("no dataset '" + dataset + "' in " + name
          + " (datasets: " + datasets.keySet() + ")");
    }
    return v;
  }

  /**
   * A dataset as longs (integer datasets of any width, uint8 included).
   *
   * @param dataset the dataset's name
   * @return a new array; uint8 values are read unsigned, doubles are truncated toward zero
   * @throws java.util.NoSuchElementException naming the missing dataset
   * @throws IllegalArgumentException when the dataset holds strings
   */
  public long[] longs(String dataset) {
    return switch (dataset(dataset)) {
      case long[] a -> a.clone();
      case byte[] a -> {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
          out[i] = a[i] & 0xff;
        }
        yield out;
      }
      case double[] a -> Arrays.stream(a).mapToLong(d -> (long) d).toArray();
      default -> throw new IllegalArgumentException("dataset " + dataset + " of " + name
          + " is not numeric");
    };
  }

  /**
   * A dataset as doubles.
   *
   * @param dataset the dataset's name
   * @return a new array; integers are converted
   * @throws java.util.NoSuchElementException naming the missing dataset
   * @throws IllegalArgumentException when the dataset holds strings
   */
  public double[] doubles(String dataset) {
    return switch (dataset(dataset)) {
      case double[] a -> a.clone();
      case long[] a -> Arrays.stream(a).asDoubleStream().toArray();
      case byte[] a -> {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
          out[i] = a[i] & 0xff;
        }
        yield out;
      }
      default -> throw new IllegalArgumentException("dataset " + dataset + " of " + name
          + " is not numeric");
    };
  }

  /**
   * A string dataset.
   *
   * @param dataset the dataset's name
   * @return a copy of the stored array
   * @throws java.util.NoSuchElementException naming the missing dataset
   * @throws IllegalArgumentException when the dataset does not hold strings
   */
  public String[] strings(String dataset) {
    if (dataset(dataset) instanceof String[] a) {
      return a.clone();
    }
    throw new IllegalArgumentException("dataset " + dataset + " of " + name
        + " does not hold strings");
  }

  /**
   * A uint8 dataset as booleans (non-zero is true).
   *
   * @param dataset the dataset's name
   * @return a new array
   * @throws java.util.NoSuchElementException naming the missing dataset
   * @throws IllegalArgumentException when the dataset holds strings
   */
  public boolean[] booleans(String dataset) {
    long[] v = longs(dataset);
    boolean[] out = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] != 0;
    }
    return out;
  }

  /**
   * A string attribute.
   *
   * @param attribute the attribute's name
   * @return a string value as is, another value as {@link String#valueOf(Object)} gives it
   * @throws java.util.NoSuchElementException naming the missing attribute
   */
  public String attrString(String attribute) {
    Object v = attr(attribute);
    return v instanceof String s ? s : String.valueOf(v);
  }

  /**
   * A numeric attribute as a long.
   *
   * @param attribute the attribute's name
   * @return the value as a long
   * @throws java.util.NoSuchElementException naming the missing attribute
   * @throws NumberFormatException when the value is a string that is not a number
   */
  public long attrLong(String attribute) {
    Object v = attr(attribute);
    if (v instanceof Number n) {
      return n.longValue();
    }
    return Long.parseLong(v.toString());
  }

  /**
   * A numeric attribute as a double.
   *
   * @param attribute the attribute's name
   * @return the value as a double
   * @throws java.util.NoSuchElementException naming the missing attribute
   * @throws NumberFormatException when the value is a string that is not a number
   */
  public double attrDouble(String attribute) {
    Object v = attr(attribute);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    return Double.parseDouble(v.toString());
  }

  private Object attr(String attribute) {
    Object v = attributes.get(attribute);
    if (v == null) {
      throw new NoSuchElementException("no attribute '" + attribute + "' on " + name
          + " (attributes: " + attributes.keySet() + ")");
    }
    return v;
  }

  /** Puts a dataset read from a file, keeping its type (for the reader). */
  void putRaw(String dataset, Object array) {
    datasets.put(dataset, array);
  }

  /** Puts an attribute read from a file, keeping its type (for the reader). */
  void attrRaw(String attribute, Object value) {
    attributes.put(attribute, value);
  }

  /** The raw datasets (for the writer). */
  Map<String, Object> rawDatasets() {
    return datasets;
  }

  /** The child groups (for the writer). */
  Map<String, H5Group> rawGroups() {
    return groups;
  }

  private static String[] split(String path) {
    String[] parts = path.split("/");
    int n = 0;
    for (String p : parts) {
      if (!p.isEmpty()) {
        check(p);
        parts[n++] = p;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("empty group path '" + path + "'");
    }
    return Arrays.copyOf(parts, n);
  }

  private static void check(String key) {
    if (key == null || key.isBlank() || key.contains("/") || key.equals(".")
        || key.equals("..")) {
      throw new IllegalArgumentException("bad HDF5 name '" + key + "': not blank, no '/'");
    }
  }
}

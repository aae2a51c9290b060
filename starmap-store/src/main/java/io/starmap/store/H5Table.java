package io.starmap.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table stored column by column, one 1-D dataset per column, so that h5py and pandas rebuild it
 * with {@code pd.DataFrame({k: g[k][:] for k in g})}. Columns are {@code long[]}, {@code
 * double[]} or {@code String[]} of one length; the column order is kept in the {@code
 * __columns__} attribute. The store writes the summary of every run as one ({@code runs}), and it
 * is the simplest way for a user to store a result table with {@link Calculation#put}.
 *
 * @param columns the columns in order, name to array
 */
public record H5Table(Map<String, Object> columns) implements H5Writable {

  /** Checks and copies the columns. */
  public H5Table {
    Map<String, Object> copy = new LinkedHashMap<>();
    int length = -1;
    for (Map.Entry<String, Object> e : columns.entrySet()) {
      Object v = e.getValue();
      if (v == null) {
        throw new IllegalArgumentException("column " + e.getKey() + " is null");
      }
      // instanceof tests, not pattern switches (H5Values says why)
      if (!(v instanceof long[] || v instanceof double[] || v instanceof String[])) {
        throw new IllegalArgumentException("column " + e.getKey()
            + " must be long[], double[] or String[], not " + v.getClass().getSimpleName());
      }
      int n = v instanceof long[] a ? a.length
          : v instanceof double[] d ? d.length : ((String[]) v).length;
      if (length >= 0 && n != length) {
        throw new IllegalArgumentException("column " + e.getKey() + " has " + n
            + " values, the columns before it " + length);
      }
      length = n;
      copy.put(e.getKey(), v);
    }
    columns = java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * A builder of a table, column by column.
   *
   * @return a new builder without columns
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The number of rows.
   *
   * @return the length of every column; 0 for a table without columns
   */
  public int rows() {
    return columns.isEmpty() ? 0 : java.lang.reflect.Array.getLength(columns.values().iterator()
        .next());
  }

  /**
   * A long column.
   *
   * @param column the column's name
   * @return the stored array itself, not a copy
   * @throws IllegalArgumentException naming the missing column
   */
  public long[] longs(String column) {
    return (long[]) column(column);
  }

  /**
   * A double column.
   *
   * @param column the column's name
   * @return the stored array itself, not a copy
   * @throws IllegalArgumentException naming the missing column
   */
  public double[] doubles(String column) {
    return (double[]) column(column);
  }

  /**
   * A string column.
   *
   * @param column the column's name
   * @return the stored array itself, not a copy
   * @throws IllegalArgumentException naming the missing column
   */
  public String[] strings(String column) {
    return (String[]) column(column);
  }

  private Object column(String column) {
    Object v = columns.get(column);
    if (v == null) {
      throw new IllegalArgumentException("no column " + column + " in " + columns.keySet());
    }
    return v;
  }

  @Override
  public void writeTo(H5Group group) {
    group.attr("__class__", H5Table.class.getName());
    group.attr("__columns__", String.join(",", columns.keySet()));
    group.attr("rows", (long) rows());
    for (Map.Entry<String, Object> e : columns.entrySet()) {
      Object v = e.getValue();
      if (v instanceof long[] a) {
        group.put(e.getKey(), a);
      } else if (v instanceof double[] a) {
        group.put(e.getKey(), a);
      } else {
        group.put(e.getKey(), (String[]) v); // the constructor admits these three only
      }
    }
  }

  /**
   * The table {@link #writeTo} wrote into {@code group}.
   *
   * @param group the group the table was written into
   * @return the table, its columns in the recorded order
   */
  public static H5Table readFrom(H5Group group) {
    List<String> names = group.has("__columns__") && !group.attrString("__columns__").isEmpty()
        ? Arrays.asList(group.attrString("__columns__").split(","))
        : new ArrayList<>(group.datasetNames());
    Map<String, Object> cols = new LinkedHashMap<>();
    for (String n : names) {
      Object raw = group.dataset(n);
      cols.put(n, switch (raw) {
        case String[] s -> s;
        case double[] d -> d;
        default -> group.longs(n);
      });
    }
    return new H5Table(cols);
  }

  /** Collects the columns of an {@link H5Table}. */
  public static final class Builder {
    private final Map<String, Object> columns = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Adds an int64 column.
     *
     * @param name the column's name, unique in the table
     * @param values the column's values
     * @return this builder
     */
    public Builder column(String name, long... values) {
      columns.put(name, values.clone());
      return this;
    }

    /**
     * Adds a float64 column.
     *
     * @param name the column's name, unique in the table
     * @param values the column's values
     * @return this builder
     */
    public Builder column(String name, double... values) {
      columns.put(name, values.clone());
      return this;
    }

    /**
     * Adds a string column.
     *
     * @param name the column's name, unique in the table
     * @param values the column's values
     * @return this builder
     */
    public Builder column(String name, String... values) {
      columns.put(name, values.clone());
      return this;
    }

    /**
     * The table; throws if the columns differ in length.
     *
     * @return the table
     * @throws IllegalArgumentException naming the first column whose length differs
     */
    public H5Table build() {
      return new H5Table(columns);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof H5Table t) || !t.columns.keySet().equals(columns.keySet())) {
      return false;
    }
    for (String k : columns.keySet()) {
      if (!Arrays.deepEquals(new Object[] {columns.get(k)}, new Object[] {t.columns.get(k)})) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (Map.Entry<String, Object> e : columns.entrySet()) {
      h = 31 * h + e.getKey().hashCode();
      h = 31 * h + Arrays.deepHashCode(new Object[] {e.getValue()});
    }
    return h;
  }

  @Override
  public String toString() {
    return "H5Table" + columns.keySet() + "[" + rows() + " rows]";
  }
}

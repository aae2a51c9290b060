package io.starmap.store;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.DatasetCreationOptions;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.api.WritableGroup;
import io.jhdf.api.WritableNode;
import io.starmap.core.internal.util.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Reads and writes a calculation's HDF5 datastore ({@code calc_<id>.hdf5}) as an {@link H5Group}
 * tree. Written with jhdf, which writes a file only as a whole: the store writes the datastore
 * once, when the calculation ends, into a temporary file that is then renamed, so a crash leaves
 * either no file or a complete one.
 */
public final class Datastore {
  static {
    io.starmap.store.internal.QuietSlf4j.unlessAProviderIsPresent(); // before jhdf's loggers
  }

  private static final DatasetCreationOptions UNSIGNED =
      DatasetCreationOptions.builder().unsigned().build();

  /** The group attribute that lists the empty datasets, which HDF5 files made by jhdf omit. */
  static final String EMPTY = "__empty__";

  /** The length from which datasets are compressed. */
  static final int COMPRESS_FROM = 4096;

  private Datastore() {}

  /**
   * The whole file as a tree of groups.
   *
   * @param file an HDF5 file, usually a calculation's datastore
   * @return the root group {@code /}, with every group, dataset and attribute read into memory
   * @throws java.io.UncheckedIOException when the file does not exist
   * @throws IllegalStateException naming the file when it cannot be read as HDF5
   */
  public static H5Group read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UncheckedIOException(new java.io.FileNotFoundException("no datastore " + file));
    }
    try (HdfFile hdf = new HdfFile(file)) {
      H5Group root = new H5Group("/");
      copy(hdf, root);
      return root;
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot read the datastore " + file + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The object stored under {@code key} (a group path such as {@code results/summary}).
   *
   * @param <T> the type of the stored object
   * @param file an HDF5 file, usually a calculation's datastore
   * @param key the group path the object was stored under
   * @param reader rebuilds the object from its group
   * @return the object
   * @throws java.util.NoSuchElementException when there is no group {@code key}
   */
  public static <T> T read(Path file, String key, H5Readable<T> reader) {
    return reader.readFrom(read(file).child(key));
  }

  /**
   * The top-level groups of a datastore that hold what the program stored with {@link
   * Calculation#put}, not the store's own tables.
   *
   * @param root the root group of a datastore, as {@link #read(Path)} gives it
   * @return the names of those groups, in the file's order
   */
  public static java.util.List<String> resultGroups(H5Group root) {
    return root.groupNames().stream().filter(g -> !DatastoreWriter.RESERVED.contains(g)).toList();
  }

  private static void copy(Group from, H5Group to) {
    for (Map.Entry<String, Attribute> a : from.getAttributes().entrySet()) {
      Object value = attributeValue(a.getValue());
      if (a.getKey().equals(EMPTY)) {
        putEmpty(value.toString(), to);
      } else {
        to.attrRaw(a.getKey(), value);
      }
    }
    for (Node child : from) {
      if (child instanceof Group g) {
        copy(g, to.group(child.getName()));
      } else if (child instanceof Dataset d && child.getName().equals(EMPTY)) {
        putEmpty(String.valueOf(Array.get(d.getData(), 0)), to);
      } else if (child instanceof Dataset d) {
        to.putRaw(child.getName(), datasetValue(d));
        for (Map.Entry<String, Attribute> a : d.getAttributes().entrySet()) {
          to.attrRaw(child.getName() + "." + a.getKey(), attributeValue(a.getValue()));
        }
      }
    }
  }

  /** Restores the empty columns listed as {@code name:type,...}. */
  private static void putEmpty(String list, H5Group to) {
    for (String item : list.split(",")) {
      int colon = item.lastIndexOf(':');
      if (colon > 0) {
        to.putRaw(item.substring(0, colon), emptyOf(item.substring(colon + 1)));
      }
    }
  }

  private static Object datasetValue(Dataset d) {
    if (d.isEmpty() || d.getSize() == 0) {
      Class<?> t = d.getJavaType();
      return t == String.class ? new String[0] : t == double.class || t == float.class
          ? new double[0] : t == byte.class ? new byte[0] : new long[0];
    }
    Object data = d.getData();
    return normalise(data);
  }

  private static Object attributeValue(Attribute a) {
    Object data = a.getData();
    if (data != null && data.getClass().isArray() && a.isScalar()) {
      data = Array.get(data, 0);
    }
    return normalise(data);
  }

  /** jhdf returns the narrowest Java type; the tree keeps long, double, byte and String. */
  private static Object normalise(Object data) {
    return switch (data) {
      case long[] a -> a;
      case double[] a -> a;
      case String[] a -> a;
      case byte[] a -> a;
      case int[] a -> java.util.Arrays.stream(a).asLongStream().toArray();
      case short[] a -> {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) {
          out[i] = a[i];
        }
        yield out;
      }
      case float[] a -> {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
          out[i] = a[i];
        }
        yield out;
      }
      case boolean[] a -> {
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
          out[i] = (byte) (a[i] ? 1 : 0);
        }
        yield out;
      }
      case java.math.BigInteger[] a -> java.util.Arrays.stream(a).mapToLong(
          java.math.BigInteger::longValue).toArray();
      case Integer i -> (long) i;
      case Short s -> (long) s;
      case Byte b -> (long) b;
      case Float f -> (double) f;
      case java.math.BigInteger b -> b.longValue();
      case null -> "";
      default -> data;
    };
  }

  /** Writes {@code root} as the file {@code file}, replacing it atomically. */
  static void write(Path file, H5Group root) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      OwnerOnly.createFileIfMissing(tmp); // the writer truncates it and keeps its 0600
      try (WritableHdfFile hdf = HdfFile.write(tmp)) {
        write(root, hdf);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the datastore " + file + ": " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the write already failed; that failure is the one to report
      }
      throw new IllegalStateException("cannot write the datastore " + file + ": "
          + e.getMessage(), e);
    }
  }

  private static void write(H5Group from, WritableGroup to) {
    String[] dotted = dottedNames(from);
    putGroupAttributes(from, to, dotted);
    StringBuilder empty = new StringBuilder();
    int written = 0;
    int index = -1;
    for (Map.Entry<String, Object> d : from.rawDatasets().entrySet()) {
      index++;
      Object v = d.getValue();
      if (Array.getLength(v) == 0) {
        // jhdf cannot write a dataset of length 0: its name and type go to an attribute instead
        empty.append(empty.isEmpty() ? "" : ",").append(d.getKey()).append(':')
            .append(typeCode(v));
        continue;
      }
      WritableNode node;
      int length = Array.getLength(v);
      if (v instanceof byte[] b) {
        node = to.putDataset(d.getKey(), b, options(length, true));
      } else if (v instanceof String[] s) {
        node = to.putDataset(d.getKey(), fixedLength(s), options(length, false));
      } else {
        node = to.putDataset(d.getKey(), v, options(length, false));
      }
      putDatasetAttributes(from, node, dotted[index]);
      written++;
    }
    if (written == 0 && from.rawGroups().isEmpty()) {
      // jhdf 0.13.0 writes a corrupt file when a group without children follows a group that
      // holds datasets ("Object header v2 signature not matched" on reading, in jhdf and h5py
      // alike). A childless group therefore keeps its list of empty columns as a one-value
      // dataset, which gives it a child; the reader treats both forms the same.
      to.putDataset(EMPTY, new String[] {empty.isEmpty() ? "-" : empty.toString()});
    } else if (!empty.isEmpty()) {
      to.putAttribute(EMPTY, empty.toString());
    }
    for (Map.Entry<String, H5Group> g : from.rawGroups().entrySet()) {
      write(g.getValue(), to.putGroup(g.getKey()));
    }
  }

  /**
   * Columns of more than {@value #COMPRESS_FROM} values are chunked, shuffled and deflated: task
   * columns repeat (worker names, statuses, task names) and shrink several times; small ones stay
   * contiguous, which every HDF5 reader handles fastest.
   */
  private static DatasetCreationOptions options(int length, boolean unsigned) {
    if (length < COMPRESS_FROM) {
      return unsigned ? UNSIGNED : DatasetCreationOptions.DEFAULT;
    }
    DatasetCreationOptions.Builder b = DatasetCreationOptions.builder()
        .chunkDimensions(Math.min(length, 65_536)).shuffle().deflate(1);
    if (unsigned) {
      b.unsigned();
    }
    return b.build();
  }

  private static String typeCode(Object array) {
    // instanceof tests, not a pattern switch (H5Values says why)
    return array instanceof long[] ? "i8"
        : array instanceof double[] ? "f8"
        : array instanceof byte[] ? "u1"
        : "S";
  }

  private static Object emptyOf(String code) {
    return switch (code) {
      case "i8" -> new long[0];
      case "f8" -> new double[0];
      case "u1" -> new byte[0];
      default -> new String[0];
    };
  }

  /**
   * The group's dataset names, each followed by the dot that joins it to its attributes' names.
   * Made once per group: this code runs once per process, in the interpreter, where a string
   * built per attribute and dataset cost about a tenth of the datastore's write.
   */
  private static String[] dottedNames(H5Group group) {
    String[] dotted = new String[group.rawDatasets().size()];
    int i = 0;
    for (String name : group.rawDatasets().keySet()) {
      dotted[i++] = name + ".";
    }
    return dotted;
  }

  /** The group's own attributes: those whose name does not start with a dataset's and a dot. */
  private static void putGroupAttributes(H5Group from, WritableNode to, String[] dotted) {
    for (Map.Entry<String, Object> a : from.attributes().entrySet()) {
      if (!startsWithAny(a.getKey(), dotted)) {
        to.putAttribute(a.getKey(), a.getValue());
      }
    }
  }

  /** A dataset's attributes: the group's attributes whose name starts with {@code prefix}. */
  private static void putDatasetAttributes(H5Group from, WritableNode to, String prefix) {
    for (Map.Entry<String, Object> a : from.attributes().entrySet()) {
      if (a.getKey().startsWith(prefix)) {
        to.putAttribute(a.getKey().substring(prefix.length()), a.getValue());
      }
    }
  }

  private static boolean startsWithAny(String key, String[] prefixes) {
    for (String p : prefixes) {
      if (key.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  /** jhdf sizes a fixed-length string type by its longest value; an all-empty column needs 1. */
  private static String[] fixedLength(String[] s) {
    for (String v : s) {
      if (!v.isEmpty()) {
        return s;
      }
    }
    String[] out = s.clone();
    out[0] = " ";
    return out;
  }
}

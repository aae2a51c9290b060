package io.starmap.hazelcast.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What travels between master and members: Java-serialized requests and replies, encrypted
 * ({@link ClusterCrypto}) and read back through an allow-list. Serialising here, to {@code
 * byte[]}, rather than letting Hazelcast do it, is what lets the executor count the bytes exactly
 * and authenticate them before a single object is created from them.
 */
public final class Wire {
  /**
   * The classes every member and master accept: JDK value types, collections, exceptions and
   * Starmap's own packages. Everything else must be allowed by name ({@code allow}): gadget
   * chains need classes outside this list.
   */
  public static final List<String> DEFAULT_ALLOW = List.of(
      "java.lang.*", "java.lang.invoke.SerializedLambda", "java.util.*",
      "java.util.concurrent.*", "java.util.concurrent.atomic.*", "java.time.*", "java.math.*",
      "java.net.URI", "java.io.*", "java.nio.file.*", "java.sql.*", "io.starmap.**");

  private Wire() {}

  /** {@code value} as Java serialization bytes. */
  public static byte[] serialize(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /** An allow-list filter: {@link #DEFAULT_ALLOW}, then {@code extra} patterns, then reject. */
  public static ObjectInputFilter filter(List<String> extra) {
    List<String> patterns = new ArrayList<>(DEFAULT_ALLOW);
    for (String p : extra) {
      if (!p.isBlank()) {
        patterns.add(p.strip());
      }
    }
    patterns.add("maxdepth=500");
    patterns.add("!*");
    return ObjectInputFilter.Config.createFilter(String.join(";", patterns));
  }

  /** Thrown when the allow-list rejects a class; names it. */
  public static final class RejectedClassException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String className;

    RejectedClassException(String className, Throwable cause) {
      super("class " + className + " is not in the deserialization allow-list", cause);
      this.className = className;
    }

    /** The rejected class's name. */
    public String className() {
      return className;
    }
  }

  /** A part of an array, read without copying it. */
  public record Slice(byte[] array, int offset, int length) {}

  /** Reads {@code bytes} back through {@code filter}; names the class it rejects. */
  public static Object deserialize(byte[] bytes, ObjectInputFilter filter)
      throws IOException, ClassNotFoundException {
    return deserialize(new Slice(bytes, 0, bytes.length), filter);
  }

  /** Reads {@code bytes} back through {@code filter}; names the class it rejects. */
  public static Object deserialize(Slice bytes, ObjectInputFilter filter)
      throws IOException, ClassNotFoundException {
    String[] rejected = new String[1];
    ObjectInputFilter recording = info -> {
      ObjectInputFilter.Status status = filter.checkInput(info);
      if (status == ObjectInputFilter.Status.REJECTED && rejected[0] == null
          && info.serialClass() != null) {
        Class<?> c = info.serialClass();
        while (c.isArray()) {
          c = c.getComponentType();
        }
        rejected[0] = c.getName();
      }
      return status;
    };
    try (ObjectInputStream in = new ObjectInputStream(
        new ByteArrayInputStream(bytes.array(), bytes.offset(), bytes.length())) {
      @Override
      protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
          throws IOException, ClassNotFoundException {
        // Task classes live on the application class path, which may not be the loader of
        // this library (a CLI that adds user jars); fall back to the standard resolution.
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
          try {
            return Class.forName(desc.getName(), false, context);
          } catch (ClassNotFoundException e) {
            // the default below tries the caller's loaders
          }
        }
        return super.resolveClass(desc);
      }
    }) {
      in.setObjectInputFilter(recording);
      return in.readObject();
    } catch (InvalidClassException e) {
      if (rejected[0] != null) {
        throw new RejectedClassException(rejected[0], e);
      }
      throw e;
    }
  }

  /** Whether {@code type} passes {@code filter} (for checking an exception before sending it). */
  public static boolean allows(ObjectInputFilter filter, Class<?> type) {
    ObjectInputFilter.FilterInfo info = new ObjectInputFilter.FilterInfo() {
      @Override public Class<?> serialClass() {
        return type;
      }

      @Override public long arrayLength() {
        return -1;
      }

      @Override public long depth() {
        return 1;
      }

      @Override public long references() {
        return 1;
      }

      @Override public long streamBytes() {
        return 0;
      }
    };
    return filter.checkInput(info) != ObjectInputFilter.Status.REJECTED;
  }

  /** UTF-8 bytes of {@code s}. */
  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

package io.starmap.core.internal.process;

import io.starmap.core.StarmapException;
import io.starmap.core.spi.Codec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The default codec: Java serialization (after a one-byte tag for null, Integer, Long, Double,
 * Boolean, String and byte[], which are written directly), with the same allow-list checked when encoding (so that
 * the sender gets a clear error naming the class) and enforced by an {@link ObjectInputFilter} when
 * decoding (so that nothing else is ever instantiated). Serializable lambdas travel as {@code
 * java.lang.invoke.SerializedLambda} and need their capturing class to be allowed.
 */
public final class JavaSerializationCodec implements Codec {
  private static final long MAX_DEPTH = 2_000;
  // allow() may run on several threads at once (one per task type met): an atomic update, so
  // that no thread's rule is lost by another thread's read-modify-write.
  private final AtomicReference<AllowList> allowList;

  /** A codec accepting the JDK value types, Starmap's classes and {@code allowedPackages}. */
  public JavaSerializationCodec(List<String> allowedPackages) {
    this.allowList = new AtomicReference<>(new AllowList(allowedPackages));
  }

  /** A codec accepting the JDK value types and Starmap's classes. */
  public JavaSerializationCodec() {
    this(List.of());
  }

  @Override
  public String name() {
    return "java";
  }

  /** Also accepts classes under {@code rule} from now on. */
  void allow(String rule) {
    allowList.updateAndGet(list -> list.allows(rule + ".X") ? list : list.with(rule));
  }

  /** The user's rules and Starmap's, for messages and for workers. */
  List<String> rules() {
    return allowList.get().rules();
  }

  // Common values skip ObjectOutputStream, whose set-up costs more than a trivial task. A Java
  // serialization stream starts with 0xAC (its magic number), so the tags below never clash.
  private static final byte NULL = 1;
  private static final byte INT = 2;
  private static final byte LONG = 3;
  private static final byte DOUBLE = 4;
  private static final byte STRING = 5;
  private static final byte BYTES = 6;
  private static final byte TRUE = 7;
  private static final byte FALSE = 8;

  @Override
  public byte[] encode(Object value) {
    byte[] simple = encodeSimple(value);
    if (simple != null) {
      return simple;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    AllowList allowed = allowList.get();
    try (ObjectOutputStream out = new CheckingOutputStream(bytes, allowed)) {
      out.writeObject(value);
    } catch (NotAllowedException e) {
      // Only a way out of writeObject: its message and stack trace are the whole story, and a
      // cause would print the same message twice.
      IllegalArgumentException refused = new IllegalArgumentException(e.getMessage());
      refused.setStackTrace(e.getStackTrace());
      throw refused;
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException("class " + e.getMessage() + " is not Serializable", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot serialize a " + typeOf(value) + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  private static byte[] encodeSimple(Object value) {
    if (value == null) {
      return new byte[] {NULL};
    }
    if (value instanceof Integer i) {
      return ByteBuffer.allocate(5).put(INT).putInt(i).array();
    }
    if (value instanceof Long l) {
      return ByteBuffer.allocate(9).put(LONG).putLong(l).array();
    }
    if (value instanceof Double d) {
      return ByteBuffer.allocate(9).put(DOUBLE).putDouble(d).array();
    }
    if (value instanceof Boolean b) {
      return new byte[] {b ? TRUE : FALSE};
    }
    if (value instanceof String text) {
      byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
      byte[] out = new byte[utf8.length + 1];
      out[0] = STRING;
      System.arraycopy(utf8, 0, out, 1, utf8.length);
      return out;
    }
    if (value instanceof byte[] raw) {
      byte[] out = new byte[raw.length + 1];
      out[0] = BYTES;
      System.arraycopy(raw, 0, out, 1, raw.length);
      return out;
    }
    return null;
  }

  @Override
  public Object decode(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] >= NULL && bytes[0] <= FALSE) {
      ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
      return switch (bytes[0]) {
        case NULL -> null;
        case INT -> b.getInt();
        case LONG -> b.getLong();
        case DOUBLE -> b.getDouble();
        case STRING -> new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
        case BYTES -> java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        case TRUE -> Boolean.TRUE;
        default -> Boolean.FALSE;
      };
    }
    AllowList allowed = allowList.get();
    Filter filter = new Filter(allowed);
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    } catch (InvalidClassException e) {
      if (filter.rejected != null) {
        throw new StarmapException("refused to deserialize class " + filter.rejected
            + ": it is not in the allow-list of the processes executor (" + allowed.rules()
            + " and the JDK's value types); add its package to the option allowedPackages", e);
      }
      throw new StarmapException("cannot deserialize class " + e.classname + ": " + e.getMessage()
          + " (are the master and the worker on the same class path?)", e);
    } catch (ClassNotFoundException e) {
      throw new StarmapException("cannot deserialize: class " + e.getMessage()
          + " is not on the class path of this process", e);
    } catch (IOException e) {
      throw new StarmapException("cannot deserialize " + bytes.length + " bytes: " + e, e);
    }
  }

  private static String typeOf(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }

  /** Thrown inside serialization when a class outside the allow-list is about to be written. */
  private static final class NotAllowedException extends IOException {
    private static final long serialVersionUID = 1L;

    NotAllowedException(String message) {
      super(message);
    }
  }

  private static final class CheckingOutputStream extends ObjectOutputStream {
    private final AllowList allowed;

    CheckingOutputStream(ByteArrayOutputStream out, AllowList allowed) throws IOException {
      super(out);
      this.allowed = allowed;
    }

    @Override
    protected void annotateClass(Class<?> cl) throws IOException {
      if (!allowed.allows(cl)) {
        Class<?> element = cl;
        while (element.isArray()) {
          element = element.getComponentType();
        }
        throw new NotAllowedException("class " + element.getName()
            + " is not in the allow-list of the processes executor; add it with the option"
            + " allowedPackages=" + AllowList.packageRule(element));
      }
    }

    @Override
    protected void annotateProxyClass(Class<?> cl) throws IOException {
      throw new NotAllowedException("dynamic proxy " + cl.getName() + " (of "
          + List.of(cl.getInterfaces()) + ") cannot be sent to a worker process");
    }
  }

  /** Accepts allowed classes only; remembers the first refused one for the message. */
  private static final class Filter implements ObjectInputFilter {
    private final AllowList allowed;
    private String rejected;

    Filter(AllowList allowed) {
      this.allowed = allowed;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > MAX_DEPTH) {
        rejected = "(object graph deeper than " + MAX_DEPTH + ")";
        return Status.REJECTED;
      }
      Class<?> c = info.serialClass();
      if (c == null) {
        return Status.UNDECIDED;
      }
      if (allowed.allows(c)) {
        return Status.ALLOWED;
      }
      if (rejected == null) {
        rejected = c.getName();
      }
      return Status.REJECTED;
    }
  }
}

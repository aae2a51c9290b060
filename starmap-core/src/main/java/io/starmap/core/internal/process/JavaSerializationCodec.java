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
import java.util.List;

/**
 * The default codec: Java serialization, with the same allow-list checked when encoding (so that
 * the sender gets a clear error naming the class) and enforced by an {@link ObjectInputFilter} when
 * decoding (so that nothing else is ever instantiated). Serializable lambdas travel as {@code
 * java.lang.invoke.SerializedLambda} and need their capturing class to be allowed.
 */
public final class JavaSerializationCodec implements Codec {
  private static final long MAX_DEPTH = 2_000;
  private volatile AllowList allowList;

  /** A codec accepting the JDK value types, Starmap's classes and {@code allowedPackages}. */
  public JavaSerializationCodec(List<String> allowedPackages) {
    this.allowList = new AllowList(allowedPackages);
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
    if (!allowList.allows(rule + ".X")) {
      allowList = allowList.with(rule);
    }
  }

  /** The user's rules and Starmap's, for messages and for workers. */
  List<String> rules() {
    return allowList.rules();
  }

  @Override
  public byte[] encode(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    AllowList allowed = allowList;
    try (ObjectOutputStream out = new CheckingOutputStream(bytes, allowed)) {
      out.writeObject(value);
    } catch (NotAllowedException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (NotSerializableException e) {
      throw new IllegalArgumentException("class " + e.getMessage() + " is not Serializable", e);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot serialize a " + typeOf(value) + ": " + e, e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object decode(byte[] bytes) {
    Filter filter = new Filter(allowList);
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    } catch (InvalidClassException e) {
      if (filter.rejected != null) {
        throw new StarmapException("refused to deserialize class " + filter.rejected
            + ": it is not in the allow-list of the processes executor (" + allowList.rules()
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

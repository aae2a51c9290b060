package io.starmap.core.spi;

/**
 * Turns the values an executor sends to another process (task functions, arguments, results,
 * exceptions) into bytes and back. The {@code processes} executor uses Java serialization with an
 * allow-list by default; another codec is chosen with its option {@code codec=<class name>}.
 *
 * <p>An implementation has a public constructor taking the allow-list ({@code
 * java.util.List<String>} of class-name prefixes the user allowed, as in the option {@code
 * allowedPackages}) or a public no-argument constructor. The same class is instantiated in the
 * master and in every worker, so it must be on both class paths (it is: workers share the master's
 * class path). Instances are used by several threads at once.
 */
public interface Codec {

  /**
   * A short name for logs.
   *
   * @return a short, stable name such as {@code java}, shown in logs and errors
   */
  String name();

  /**
   * Encodes {@code value}.
   *
   * @param value the argument, result or exception to send to another process; may be null
   * @return the encoded bytes, which {@link #decode} of the same codec turns back into an
   *     equivalent value
   * @throws IllegalArgumentException naming the class that cannot be encoded or is not allowed
   */
  byte[] encode(Object value);

  /**
   * Decodes what {@link #encode} produced, in another process.
   *
   * @param bytes bytes produced by {@link #encode} of the same codec, possibly in another JVM
   * @return the decoded value; null when null was encoded
   * @throws io.starmap.core.StarmapException naming the class that is refused or missing
   */
  Object decode(byte[] bytes);
}

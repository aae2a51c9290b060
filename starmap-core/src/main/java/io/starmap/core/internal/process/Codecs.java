package io.starmap.core.internal.process;

import io.starmap.core.spi.Codec;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/** Creates the codec named by the option {@code codec}, the same way in master and workers. */
final class Codecs {
  private Codecs() {}

  /** {@code java} (the default) or the name of a class implementing {@link Codec}. */
  static Codec create(String name, List<String> allowedPackages) {
    if (name == null || name.isBlank() || name.equals("java")
        || name.equals(JavaSerializationCodec.class.getName())) {
      return new JavaSerializationCodec(allowedPackages);
    }
    Class<?> type;
    try {
      type = Class.forName(name, true, Thread.currentThread().getContextClassLoader() != null
          ? Thread.currentThread().getContextClassLoader() : Codecs.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("option codec names class '" + name
          + "', which is not on the class path", e);
    }
    if (!Codec.class.isAssignableFrom(type)) {
      throw new IllegalArgumentException("option codec names class '" + name
          + "', which does not implement " + Codec.class.getName());
    }
    try {
      try {
        return (Codec) type.getConstructor(List.class).newInstance(allowedPackages);
      } catch (NoSuchMethodException e) {
        return (Codec) type.getConstructor().newInstance();
      }
    } catch (NoSuchMethodException | InstantiationException | IllegalAccessException e) {
      throw new IllegalArgumentException("option codec: class '" + name
          + "' needs a public constructor taking a List<String> or no argument", e);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException("option codec: the constructor of '" + name
          + "' failed: " + e.getCause(), e.getCause());
    }
  }

  /** The allowed packages as passed on a worker's command line. */
  static String joinRules(List<String> rules) {
    return rules.isEmpty() ? "-" : String.join(",", rules);
  }

  /** The inverse of {@link #joinRules}. */
  static List<String> rules(String joined) {
    List<String> rules = new ArrayList<>();
    if (joined == null || joined.equals("-")) {
      return rules;
    }
    for (String rule : joined.split(",")) {
      if (!rule.isBlank()) {
        rules.add(rule.strip());
      }
    }
    return rules;
  }
}

package io.starmap.core.internal.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The classes that may cross between the master and its workers. Java serialization of arbitrary
 * classes is how gadget chains run code, so only value types of {@code java.base}, Starmap's own
 * classes and the packages the user names are accepted, on both sides.
 *
 * <p>A user rule {@code com.acme} accepts the class {@code com.acme}, every class whose name starts
 * with {@code com.acme.} (the package and its sub-packages) and its nested classes ({@code
 * com.acme$...}). The JDK rules accept whole packages, not their sub-packages.
 */
final class AllowList {
  /** Packages of {@code java.base} and {@code java.sql} whose serializable classes are values. */
  private static final Set<String> JDK_PACKAGES = Set.of(
      "java.lang", "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
      "java.util.regex", "java.math", "java.time", "java.time.chrono", "java.time.format",
      "java.time.temporal", "java.time.zone", "java.io", "java.nio.file", "java.nio.charset",
      "java.sql", "java.text");
  /** Single classes outside those packages. */
  private static final Set<String> JDK_CLASSES = Set.of(
      "java.lang.invoke.SerializedLambda", "java.net.URI", "java.net.URISyntaxException",
      "java.net.UnknownHostException", "java.net.ConnectException",
      "java.net.SocketTimeoutException", "java.net.SocketException",
      "java.io.UncheckedIOException");
  private static final String STARMAP = "io.starmap";

  private final List<String> userRules;

  AllowList(List<String> userRules) {
    List<String> rules = new ArrayList<>();
    for (String rule : userRules) {
      String r = rule.strip();
      while (r.endsWith(".") || r.endsWith("*")) {
        r = r.substring(0, r.length() - 1);
      }
      if (!r.isEmpty() && !rules.contains(r)) {
        rules.add(r);
      }
    }
    rules.add(STARMAP);
    this.userRules = List.copyOf(rules);
  }

  /** The user's rules plus Starmap's own, in order. */
  List<String> rules() {
    return userRules;
  }

  /** This list with {@code rule} added (the same list if it already accepts it). */
  AllowList with(String rule) {
    // without Starmap's own rule, which the constructor appends again
    List<String> rules = new ArrayList<>(userRules.subList(0, userRules.size() - 1));
    rules.add(rule);
    return new AllowList(rules);
  }

  /** Whether {@code type} (or, for an array, its element type) may be sent. */
  boolean allows(Class<?> type) {
    Class<?> c = type;
    while (c.isArray()) {
      c = c.getComponentType();
    }
    if (c.isPrimitive()) {
      return true;
    }
    if (java.lang.reflect.Proxy.isProxyClass(c)) {
      return false;
    }
    return allows(c.getName());
  }

  /** Whether the class named {@code className} (not an array) may be sent. */
  boolean allows(String className) {
    int dot = className.lastIndexOf('.');
    String pkg = dot < 0 ? "" : className.substring(0, dot);
    if (JDK_PACKAGES.contains(pkg) || JDK_CLASSES.contains(className)) {
      return true;
    }
    for (String rule : userRules) {
      if (className.startsWith(rule)) {
        int n = rule.length();
        if (className.length() == n || className.charAt(n) == '.' || className.charAt(n) == '$') {
          return true;
        }
      }
    }
    return false;
  }

  /** The package rule that accepts classes of {@code type}'s package, for messages and tasks. */
  static String packageRule(Class<?> type) {
    String pkg = type.getPackageName();
    if (!pkg.isEmpty()) {
      return pkg;
    }
    // The unnamed package: the top-level class, which also covers its nested and lambda classes.
    String name = type.getName();
    int dollar = name.indexOf('$');
    return dollar > 0 ? name.substring(0, dollar) : name;
  }
}

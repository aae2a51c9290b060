package io.starmap.core.internal.process;

import java.util.List;

/**
 * Where a worker JVM finds the code: the master's class path and, when Starmap itself runs as a
 * named module, the master's module path too, with every module on it resolved (the tasks' classes
 * may live in any of them).
 *
 * <p>Paths never go on the command line, which every user of the machine can read in /proc: a
 * class path goes in the {@code CLASSPATH} variable, which only its owner can read; a module path,
 * or a class path too long for one variable, goes in an owner-only @argfile that the worker
 * deletes as it starts.
 *
 * @param classPath the master's class path; may be empty
 * @param modulePath the master's module path; null when Starmap runs on the class path
 */
record WorkerPaths(String classPath, String modulePath) {

  /** This JVM's paths: a module path only if this class was loaded as part of a named module. */
  static WorkerPaths ofThisJvm() {
    String classPath = System.getProperty("java.class.path", "");
    boolean modular = WorkerPaths.class.getModule().isNamed();
    return new WorkerPaths(classPath, modular ? System.getProperty("jdk.module.path", "") : null);
  }

  /**
   * The arguments that start the worker's main class, after the JVM's options.
   *
   * @return the class name, or {@code -m module/class} on the module path
   */
  List<String> mainClass() {
    String main = WorkerMain.class.getName();
    return modulePath == null ? List.of(main)
        : List.of("-m", WorkerMain.class.getModule().getName() + "/" + main);
  }

  /** The flag that lets the worker call prctl through the foreign function API, silently. */
  String nativeAccess() {
    return "--enable-native-access="
        + (modulePath == null ? "ALL-UNNAMED" : WorkerMain.class.getModule().getName());
  }

  /**
   * Whether the class path travels in the environment.
   *
   * @param envMax the longest value given to one variable
   */
  boolean inEnvironment(int envMax) {
    return modulePath == null && classPath.length() <= envMax;
  }

  /** The @argfile's content: the paths, each quoted (an @argfile's quotes protect spaces). */
  String argFileContent() {
    StringBuilder s = new StringBuilder();
    if (modulePath != null) {
      s.append("--module-path\n").append(quote(modulePath)).append('\n');
      s.append("--add-modules\nALL-MODULE-PATH\n");
    }
    if (!classPath.isEmpty()) {
      s.append("-cp\n").append(quote(classPath)).append('\n');
    }
    return s.toString();
  }

  private static String quote(String path) {
    return "\"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}

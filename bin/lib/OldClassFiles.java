import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Rewrites the class files older than Java 6 (class file version below 50) in the jars of a
 * directory as version 52 files with stack maps, the same code otherwise. Run by bin/starmap
 * once per build of the command line, on JDK 24 or newer (the JDK's class-file API).
 *
 * <p>Why: the JVM's class archives (CDS, and JDK 25's AOT cache that bin/starmap trains on an
 * import) cannot hold class files older than version 50, which need the old inferencing verifier.
 * picocli's jar is built for Java 5, so every run loaded, parsed and verified its 228 classes
 * again, and the JIT compiled the class loader's hot paths for it: about a tenth of a second of
 * every command's start and a quarter of a CPU-second of an import. The bytecode is unchanged;
 * only the version and the stack map frames (computed here, as javac would) are new. A class
 * whose frames cannot be computed (a supertype missing from the class path) is left as it was,
 * which costs only its archiving.
 *
 * <p>Usage: {@code java OldClassFiles.java DIR}; prints what it rewrote. Each jar is rewritten
 * to a temporary file and moved over the old one, so a reader never sees half a jar.
 */
public final class OldClassFiles {
  private static final int FIRST_ARCHIVABLE = ClassFile.JAVA_6_VERSION;
  private static final int TARGET = ClassFile.JAVA_8_VERSION;

  private OldClassFiles() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: java OldClassFiles.java DIR");
      System.exit(2);
    }
    List<Path> jars;
    try (var s = Files.list(Path.of(args[0]))) {
      jars = s.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
    }
    for (Path jar : jars) {
      if (!hasOldClasses(jar)) {
        continue;
      }
      if (signed(jar)) {
        // a changed class would fail the signature's check: the jar could not be loaded at all
        System.out.println(jar.getFileName() + ": signed, left as it is");
        continue;
      }
      rewrite(jar);
    }
  }

  private static boolean hasOldClasses(Path jar) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        if (e.getName().endsWith(".class") && version(in.readNBytes(8)) < FIRST_ARCHIVABLE) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean signed(Path jar) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        String n = e.getName().toUpperCase(java.util.Locale.ROOT);
        if (n.startsWith("META-INF/") && n.indexOf('/', 9) < 0 && (n.endsWith(".SF")
            || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The major version of a class file's first 8 bytes (magic, minor, major). */
  private static int version(byte[] head) {
    return head.length < 8 ? Integer.MAX_VALUE : ((head[6] & 0xff) << 8) | (head[7] & 0xff);
  }

  private static void rewrite(Path jar) throws IOException {
    // Frames need the common supertype of two classes: those of this jar, then the JDK's.
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
        ClassLoader.getPlatformClassLoader())) {
      ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
          ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
              .orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
      ClassTransform newVersion = (builder, element) -> {
        if (element instanceof ClassFileVersion) {
          builder.withVersion(TARGET, 0);
        } else {
          builder.with(element);
        }
      };
      // Rebuilding each method's code is what makes the library compute its frames.
      ClassTransform transform = newVersion.andThen(
          ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL));
      // a name of this process's own: two launchers without flock may rewrite the same jar at once
      Path tmp = jar.resolveSibling(jar.getFileName() + "." + ProcessHandle.current().pid()
          + ".tmp");
      int rewritten = 0;
      List<String> kept = new ArrayList<>();
      try {
        try (InputStream fin = Files.newInputStream(jar);
            ZipInputStream in = new ZipInputStream(fin);
            OutputStream fout = Files.newOutputStream(tmp);
            ZipOutputStream out = new ZipOutputStream(fout)) {
          for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
            byte[] bytes = in.readAllBytes();
            if (e.getName().endsWith(".class") && version(bytes) < FIRST_ARCHIVABLE) {
              try {
                bytes = cf.transformClass(cf.parse(bytes), transform);
                rewritten++;
              } catch (IllegalArgumentException | IllegalStateException ex) {
                kept.add(e.getName() + " (" + ex.getMessage() + ")");
              }
            }
            ZipEntry copy = new ZipEntry(e.getName());
            copy.setTime(e.getTime());
            out.putNextEntry(copy);
            out.write(bytes);
            out.closeEntry();
          }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp); // left by a failure only: moved over the jar otherwise
      }
      System.out.println(jar.getFileName() + ": " + rewritten + " class files from before Java 6"
          + " rewritten as version " + TARGET + (kept.isEmpty() ? "" : "; kept as they were: "
          + kept));
    }
  }
}

package io.starmap.core.internal.process;

import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * Makes a worker die with its master, whichever way the master dies (even {@code kill -9}), by
 * three independent means: the end of standard input (the master holds the only write end of the
 * pipe, so the kernel closes it when the master dies), a poll of the parent process id (a worker
 * whose parent dies is re-parented), and on Linux with Java 22+ {@code
 * prctl(PR_SET_PDEATHSIG, SIGKILL)} through the foreign function API, looked up reflectively
 * because the library is compiled for Java 21.
 */
final class ParentWatch {
  private static final int PR_SET_PDEATHSIG = 1;
  private static final int SIGKILL = 9;
  private static final long POLL_MILLIS = 200;

  private ParentWatch() {}

  /**
   * The watches in force: all of {@code pdeathsig,stdin,poll,socket} unless the system property
   * {@code starmap.worker.watch} names a subset (for the tests that prove each one alone).
   */
  static final java.util.Set<String> WATCHES = java.util.Set.of(
      System.getProperty("starmap.worker.watch", "pdeathsig,stdin,poll,socket").split(","));

  /** Starts the watches; exits at once if the parent is already not {@code masterPid}. */
  static void start(long masterPid, InputStream stdin) {
    boolean pdeathsig = WATCHES.contains("pdeathsig") && setParentDeathSignal();
    // prctl only covers a parent death after the call: check the parent once more now.
    checkParent(masterPid);
    System.setProperty("starmap.worker.pdeathsig", String.valueOf(pdeathsig));
    if (!WATCHES.contains("stdin")) {
      startPoll(masterPid);
      return;
    }
    Thread eof = new Thread(() -> {
      byte[] buffer = new byte[256];
      try {
        while (stdin.read(buffer) >= 0) {
          // the master writes nothing after the handshake; anything else is ignored
        }
      } catch (Exception e) {
        // a broken pipe is the same news as its end
      }
      Runtime.getRuntime().halt(0);
    }, "starmap-stdin-watch");
    eof.setDaemon(true);
    eof.start();
    startPoll(masterPid);
  }

  private static void startPoll(long masterPid) {
    if (!WATCHES.contains("poll")) {
      return;
    }
    Thread poll = new Thread(() -> {
      while (true) {
        try {
          Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        checkParent(masterPid);
      }
    }, "starmap-parent-watch");
    poll.setDaemon(true);
    poll.start();
  }

  private static void checkParent(long masterPid) {
    Optional<ProcessHandle> parent = ProcessHandle.current().parent();
    if (parent.isEmpty() || parent.get().pid() != masterPid) {
      Runtime.getRuntime().halt(0);
    }
  }

  /** Asks Linux to SIGKILL this process when the thread that started it ends; false if not. */
  static boolean setParentDeathSignal() {
    if (Runtime.version().feature() < 22
        || !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      return false;
    }
    try {
      Class<?> linkerType = Class.forName("java.lang.foreign.Linker");
      Class<?> lookupType = Class.forName("java.lang.foreign.SymbolLookup");
      Class<?> layoutType = Class.forName("java.lang.foreign.MemoryLayout");
      Class<?> valueLayoutType = Class.forName("java.lang.foreign.ValueLayout");
      Class<?> descriptorType = Class.forName("java.lang.foreign.FunctionDescriptor");
      Class<?> segmentType = Class.forName("java.lang.foreign.MemorySegment");
      Class<?> optionType = Class.forName("java.lang.foreign.Linker$Option");
      Object linker = linkerType.getMethod("nativeLinker").invoke(null);
      Object lookup = linkerType.getMethod("defaultLookup").invoke(linker);
      Optional<?> prctl =
          (Optional<?>) lookupType.getMethod("find", String.class).invoke(lookup, "prctl");
      if (prctl.isEmpty()) {
        return false;
      }
      Object intLayout = valueLayoutType.getField("JAVA_INT").get(null);
      Object longLayout = valueLayoutType.getField("JAVA_LONG").get(null);
      Object argLayouts = Array.newInstance(layoutType, 2);
      Array.set(argLayouts, 0, intLayout);
      Array.set(argLayouts, 1, longLayout);
      Object descriptor = descriptorType.getMethod("of", layoutType, argLayouts.getClass())
          .invoke(null, intLayout, argLayouts);
      // prctl is variadic: the arguments after the first are variadic ones.
      Object options = Array.newInstance(optionType, 1);
      Array.set(options, 0, optionType.getMethod("firstVariadicArg", int.class).invoke(null, 1));
      MethodHandle handle = (MethodHandle) linkerType
          .getMethod("downcallHandle", segmentType, descriptorType, options.getClass())
          .invoke(linker, prctl.get(), descriptor, options);
      int rc = (int) handle.invokeWithArguments(PR_SET_PDEATHSIG, (long) SIGKILL);
      return rc == 0;
    } catch (Throwable t) {
      return false;
    }
  }
}

package io.starmap.core.internal;

/**
 * Whether Starmap's JDK Flight Recorder events are worth creating. Loading the first event class
 * registers it with JFR (its annotations read through dynamic proxies): tens of milliseconds at
 * start-up, for nothing when no recording was ever started. Once Flight Recorder is initialized
 * (a recording started by {@code -XX:StartFlightRecording}, {@code jcmd JFR.start} or the {@code
 * jdk.jfr} API, even in the middle of a run), events are created and committed as usual.
 */
public final class Jfr {
  private static final boolean AVAILABLE = available();

  private Jfr() {}

  /** True once Flight Recorder is initialized in this JVM; a volatile read. */
  public static boolean on() {
    return AVAILABLE && jdk.jfr.FlightRecorder.isInitialized();
  }

  private static boolean available() {
    try {
      return ModuleLayer.boot().findModule("jdk.jfr").isPresent();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}

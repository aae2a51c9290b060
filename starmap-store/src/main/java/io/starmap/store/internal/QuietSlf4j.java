package io.starmap.store.internal;

/**
 * Keeps SLF4J silent in applications that have no SLF4J provider.
 *
 * <p>sqlite-jdbc and jhdf log through SLF4J. In an application with no provider, SLF4J falls back
 * to its no-operation logger, but first prints three warning lines into the application's output.
 * Where the application has no provider and has not chosen one, the same no-operation provider is
 * chosen explicitly (and SLF4J's notice of that choice is kept to warnings), so nothing is printed
 * and nothing else changes. An application with a provider, or that chose one, is left alone.
 */
public final class QuietSlf4j {
  private static boolean done;

  private QuietSlf4j() {}

  /** Chooses SLF4J's no-operation provider if none is present; call before the drivers load. */
  public static synchronized void unlessAProviderIsPresent() {
    if (done) {
      return;
    }
    done = true;
    try {
      ClassLoader loader = QuietSlf4j.class.getClassLoader();
      if (System.getProperty("slf4j.provider") != null
          || loader.getResource("META-INF/services/org.slf4j.spi.SLF4JServiceProvider") != null
          || loader.getResource("org/slf4j/helpers/NOP_FallbackServiceProvider.class") == null) {
        return;
      }
      System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
      if (System.getProperty("slf4j.internal.verbosity") == null) {
        System.setProperty("slf4j.internal.verbosity", "WARN");
      }
    } catch (SecurityException e) {
      // SLF4J prints its warning, as it would without this.
    }
  }
}

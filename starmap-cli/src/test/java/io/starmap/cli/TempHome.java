package io.starmap.cli;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Points the commands at a temporary {@code STARMAP_HOME} (the system property {@code starmap.home},
 * which {@code StarmapHome.resolve()} reads first) and puts back what it was: around each test, or
 * around a whole class whose tests share one home. The directory is the test's {@code @TempDir},
 * which JUnit fills before this extension runs:
 *
 * <pre>{@code
 * @TempDir Path home;
 * @RegisterExtension final TempHome useHome = TempHome.eachTest(() -> home);
 *
 * @TempDir static Path home;
 * @RegisterExtension static final TempHome USE_HOME = TempHome.wholeClass(() -> home);
 * }</pre>
 *
 * <p>A class's own {@code @AfterAll} (stopping workers or the server of that home) runs before the
 * property is put back.
 */
final class TempHome implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {
  private static final String PROPERTY = "starmap.home";
  private final Supplier<Path> home;
  private final boolean wholeClass;
  private String previous;

  private TempHome(Supplier<Path> home, boolean wholeClass) {
    this.home = home;
    this.wholeClass = wholeClass;
  }

  /** A home for each test. */
  static TempHome eachTest(Supplier<Path> home) {
    return new TempHome(home, false);
  }

  /** One home for all the tests of a class (register it on a static field). */
  static TempHome wholeClass(Supplier<Path> home) {
    return new TempHome(home, true);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (wholeClass) {
      point();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (wholeClass) {
      restore();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!wholeClass) {
      point();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!wholeClass) {
      restore();
    }
  }

  private void point() {
    previous = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, home.get().toString());
  }

  private void restore() {
    if (previous == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, previous);
    }
  }
}

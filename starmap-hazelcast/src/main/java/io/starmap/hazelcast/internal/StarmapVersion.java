package io.starmap.hazelcast.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Starmap version members and masters compare before they trust each other's bytes. */
public final class StarmapVersion {
  /**
   * Overrides the version (for the tests that prove a member of another version is refused).
   */
  public static final String OVERRIDE_PROPERTY = "starmap.cluster.version";
  private static final String BUILD = load();

  private StarmapVersion() {}

  /** This JVM's Starmap version. */
  public static String current() {
    String override = System.getProperty(OVERRIDE_PROPERTY);
    return override != null && !override.isBlank() ? override.strip() : BUILD;
  }

  private static String load() {
    try (InputStream in = StarmapVersion.class.getResourceAsStream(
        "/io/starmap/hazelcast/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown").strip();
    } catch (IOException e) {
      return "unknown";
    }
  }
}

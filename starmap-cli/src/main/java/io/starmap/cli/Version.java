package io.starmap.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, or the build's resource. */
final class Version implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Version.class.getPackage().getImplementationVersion();
    if (v == null) {
      try (var in = Version.class.getResourceAsStream("/starmap-version.txt")) {
        v = in == null ? "unknown" : new String(in.readAllBytes()).strip();
      } catch (java.io.IOException e) {
        v = "unknown";
      }
    }
    return new String[] {"starmap " + v, "Java " + Runtime.version() + " ("
        + System.getProperty("java.vendor") + ")"};
  }
}

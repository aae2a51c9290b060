package io.starmap.cli;

/** Renders exceptions as one line for people. */
final class Errors {
  private Errors() {}

  /** The message of {@code t} and of its causes, without repeating one that contains the other. */
  static String oneLine(Throwable t) {
    StringBuilder sb = new StringBuilder();
    String last = null;
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m == null || m.isBlank()) {
        m = c.getClass().getSimpleName();
      }
      if (last == null || !last.contains(m)) {
        if (sb.length() > 0) {
          sb.append(": ");
        }
        sb.append(m.strip().replace('\n', ' '));
      }
      last = m;
      if (c.getCause() == c) {
        break;
      }
    }
    return sb.toString();
  }
}
